// RetainedCallbackScenarios.cs: target states for a delegate passed to a retaining parameter (a registration) and
// collected, swept before and after its finalizer released its range, with native code still holding it or not.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Interception;

namespace InteropGuard.ValidatorTargets;

internal static unsafe partial class Scenarios
{
    // What a generated interceptor holds for a call site of a registration API (a retaining delegate parameter).
    private static TargetCallback? s_callbackKept;

    private static readonly GuardedCallSite s_registerSite = new("Scenarios.Register", "RetainedCallbackScenarios.cs", 40, "TargetNative.SetCallback(TargetCallback callback)");

    /// <summary>A registration (`set_callback(cb)`, tracked as generated wrappers track a retaining parameter) whose
    /// function pointer native code keeps in a static; the finalizer thread is then held, the delegate dropped and
    /// collected (phase 1: its range not yet released), then the finalizer runs and releases it (phase 2). Correct: the
    /// program registered null at the same site first, so native code forgot the pointer. Bug: native code still holds
    /// it. Prints the delegate's fate and its range's state on stderr: "collected=True range=live" at phase 1,
    /// "range=released" at phase 2.</summary>
    private static IEnumerable<ulong> CallbackUnregistered(bool bug)
    {
        GCHandle weak = Register(out nint entry);
        if (!bug)
        {
            SetCallback(null); // unregistered: the library forgets the pointer
        }

        using (FinalizerHold hold = FinalizerHold.Start())
        {
            s_callbackKept = null; // dropped only now: no collection before the hold may finalize it early
            for (int i = 0; i < 3 && IsAlive(weak); i++)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            }

            Console.Error.WriteLine($"collected={!IsAlive(weak)} range={RangeState(entry)}");
            yield return 0;
        }

        GC.WaitForPendingFinalizers();
        Console.Error.WriteLine($"range={RangeState(entry)}");
        yield return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GCHandle Register(out nint entry)
    {
        int seed = Environment.TickCount;
        TargetCallback callback = x => x + seed; // captures: a delegate of its own, collectable once nothing holds it
        SetCallback(callback);
        s_callbackKept = callback;
        entry = Marshal.GetFunctionPointerForDelegate(callback);
        return GCHandle.Alloc(callback, GCHandleType.Weak);
    }

    // In a method of its own: in Debug code a temporary holding the target would stay on the caller's stack, a root.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAlive(GCHandle weak) => weak.Target is not null;

    /// <summary>"live" or "released": the state of the callback range at <paramref name="entry"/> (ig_lookup).</summary>
    private static string RangeState(nint entry)
    {
        byte* range = stackalloc byte[96]; // ig_range_t
        TargetNative.Lookup((void*)entry, 1, range);
        uint state = *(uint*)(range + 68);
        return state switch { 1 => "live", 3 => "released", _ => "state " + state };
    }

    // The generated wrapper of a registration API: the delegate tracked as retained, then the call (native code keeps
    // the function pointer, or forgets it for null).
    private static void SetCallback(TargetCallback? callback)
    {
        GuardedCall.TrackCallback(callback, s_registerSite);
        TargetNative.KeepPointer(callback is null ? null : (void*)Marshal.GetFunctionPointerForDelegate(callback));
    }

    /// <summary>Holds the finalizer thread (one object whose finalizer waits) until disposed, so a sweep can land after
    /// a delegate was collected and before the finalizer that releases its range runs.</summary>
    private sealed class FinalizerHold : IDisposable
    {
        private static readonly ManualResetEventSlim s_entered = new();
        private static readonly ManualResetEventSlim s_release = new();

        private FinalizerHold()
        {
        }

        ~FinalizerHold()
        {
            s_entered.Set();
            s_release.Wait();
        }

        public static FinalizerHold Start()
        {
            Queue();
            while (!s_entered.Wait(10))
            {
                GC.Collect();
            }

            return new FinalizerHold();
        }

        public void Dispose()
        {
            GC.SuppressFinalize(this);
            s_release.Set();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Queue() => _ = new FinalizerHold();
    }
}
