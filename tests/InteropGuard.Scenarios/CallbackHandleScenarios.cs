// CallbackHandleScenarios.cs - issue 5 scenarios for callbacks and SafeHandles: native code calling a released callback,
// and the missing GC.KeepAlive (an owner finalized during a blocking call that got its raw handle); each bug next to the
// nearest correct code, run one per child process.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace InteropGuard.Scenarios;

internal static class CallbackHandleScenarios
{
    /// <summary>The scenarios of this file, merged into ScenarioTable.All.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["callback_called_after_release"] = CallbackCalledAfterRelease,
        ["callback_called_after_release_ok"] = CallbackCalledAfterReleaseOk,
        ["handle_finalized_during_call"] = HandleFinalizedDuringCall,
        ["handle_finalized_during_call_ok"] = HandleFinalizedDuringCallOk,
    };

    // Native code keeps a callback (a registration) and calls it after the GuardedCallback was disposed.
    private static void CallbackCalledAfterRelease()
    {
        var callback = Guard.Callback<IntCallback>(x => x * 2);
        TestNative.KeepCallback(callback.Pointer);
        Console.WriteLine($"called {TestNative.CallKept(21)}");
        callback.Release();
        Console.WriteLine($"called after release: {TestNative.CallKept(21)}"); // reported; 0 instead of a jump into freed code
    }

    private static void CallbackCalledAfterReleaseOk()
    {
        var callback = Guard.Callback<IntCallback>(x => x * 2);
        TestNative.KeepCallback(callback.Pointer);
        Console.WriteLine($"called {TestNative.CallKept(21)}");
        TestNative.KeepCallback(0); // native code unregisters first
        callback.Release();
        Console.WriteLine($"called after release: {TestNative.CallKept(21)}");
    }

    // The missing GC.KeepAlive: the owner is unreachable during a blocking call that got its raw handle; a GC runs its
    // finalizer, which disposes the handle native code is using.
    private static void HandleFinalizedDuringCall() => BlockingCall(keepOwnerAlive: false);

    private static void HandleFinalizedDuringCallOk() => BlockingCall(keepOwnerAlive: true);

    private static void BlockingCall(bool keepOwnerAlive)
    {
        (HandleTracker native, nint raw, Connection? owner) = Open(keepOwnerAlive);
        var worker = new Thread(() => TestNative.BlockHolding(raw));
        worker.Start();
        TestNative.WaitBlocked();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TestNative.ReleaseBlocked();
        worker.Join();
        native.ReleasedByNative();
        Console.WriteLine($"handle released: {FakeHandle.ReleasedCount}");
        GC.KeepAlive(owner);
        owner?.Close();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (HandleTracker, nint, Connection?) Open(bool keepOwnerAlive)
    {
        var owner = new Connection();
        return (owner.StartNativeUse(), owner.RawHandle, keepOwnerAlive ? owner : null);
    }

    /// <summary>An OS-handle stand-in whose release is counted.</summary>
    private sealed class FakeHandle : GuardedSafeHandle
    {
        private static int s_next = 0x4000;
        public static int ReleasedCount;

        public FakeHandle() : base(0, ownsHandle: true) => SetHandle(Interlocked.Increment(ref s_next));

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            Interlocked.Increment(ref ReleasedCount);
            return true;
        }
    }

    /// <summary>An owner whose finalizer closes its handle (the pattern of many wrappers).</summary>
    private sealed class Connection
    {
        private readonly FakeHandle _handle = new();

        ~Connection() => _handle.Dispose();

        public nint RawHandle => _handle.DangerousGetHandle();

        /// <summary>Native code is about to hold the raw handle during a blocking call.</summary>
        public HandleTracker StartNativeUse() => Guard.Track(_handle).RetainedByNative();

        public void Close()
        {
            _handle.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
