// ScenarioTable.cs - the named scenarios: each bug next to the nearest correct code (Go cgocheck style,
// `x` must fail, `x_ok` must pass). Run one per process by Program; the options come from the environment.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace InteropGuard.Scenarios;

internal static class ScenarioTable
{
    /// <summary>Every scenario by name.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = With(ReleaseModeScenarios.All, With(GuardedPoolScenarios.All, With(TableFullScenarios.All, With(CallbackHandleScenarios.All, With(LifetimeScenarios.All, With(ValidationScenarios.All, new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["native_use_after_free"] = NativeUseAfterFree,
        ["native_use_after_free_ok"] = NativeUseAfterFreeOk,
        ["native_buffer_overflow"] = NativeBufferOverflow,
        ["native_buffer_overflow_ok"] = NativeBufferOverflowOk,
        ["overflow_written_by_native"] = OverflowWrittenByNative,
        ["overflow_written_by_native_ok"] = OverflowWrittenByNativeOk,
        ["underflow_written_by_native"] = UnderflowWrittenByNative,
        ["overflow_found_by_verify"] = OverflowFoundByVerify,
        ["overflow_found_by_verify_ok"] = OverflowFoundByVerifyOk,
        ["write_after_free"] = WriteAfterFree,
        ["write_after_free_ok"] = WriteAfterFreeOk,
        ["double_free"] = DoubleFree,
        ["double_free_ok"] = DoubleFreeOk,
        ["native_double_free"] = NativeDoubleFree,
        ["native_double_free_ok"] = NativeDoubleFreeOk,
        ["invalid_free"] = InvalidFree,
        ["invalid_free_ok"] = InvalidFreeOk,
        ["use_after_unpin"] = UseAfterUnpin,
        ["use_after_unpin_ok"] = UseAfterUnpinOk,
        ["use_after_unpin_elsewhere"] = UseAfterUnpinElsewhere,
        ["use_after_unpin_elsewhere_ok"] = UseAfterUnpinElsewhereOk,
        ["invalid_handle"] = InvalidHandle,
        ["invalid_handle_ok"] = InvalidHandleOk,
        ["invalid_handle_double_free"] = InvalidHandleDoubleFree,
        ["invalid_handle_never_issued"] = InvalidHandleNeverIssued,
        ["halt_on_error"] = HaltOnError,
        ["many_kinds"] = ManyKinds,
        ["repeated_report"] = RepeatedReport,
        ["concurrent_reports"] = ConcurrentReports,
        ["print_mode"] = PrintMode,
    }))))));

    /// <summary>The table plus the scenarios kept in other files (ValidationScenarios.cs, LifetimeScenarios.cs, CallbackHandleScenarios.cs, GuardedPoolScenarios.cs, ReleaseModeScenarios.cs).</summary>
    private static Dictionary<string, Action> With(IReadOnlyDictionary<string, Action> more, Dictionary<string, Action> table)
    {
        foreach (var (name, scenario) in more)
        {
            table.Add(name, scenario);
        }

        return table;
    }

    // A freed native buffer's pointer reaches a call.
    private static void NativeUseAfterFree()
    {
        var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        buffer.Release();
        Guard.Check(p, 16);
        TestNative.Sum(p, 16);
    }

    private static void NativeUseAfterFreeOk()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        Guard.Check(p, 16);
        TestNative.Sum(p, 16);
    }

    // The length handed to native code reaches past the end of the buffer.
    private static void NativeBufferOverflow()
    {
        using var buffer = NativeBuffer.Allocate(64);
        Guard.Check(buffer.Pointer, 65);
        TestNative.Fill(buffer.Pointer, 65, 1);
    }

    private static void NativeBufferOverflowOk()
    {
        using var buffer = NativeBuffer.Allocate(64);
        Guard.Check(buffer.Pointer, 64);
        TestNative.Fill(buffer.Pointer, 64, 1);
    }

    // Native code writes past the end without a checked length; the canaries find it at Dispose.
    private static void OverflowWrittenByNative()
    {
        var buffer = NativeBuffer.Allocate(32);
        TestNative.Fill(buffer.Pointer, 36, 7);
        buffer.Dispose();
    }

    private static void OverflowWrittenByNativeOk()
    {
        var buffer = NativeBuffer.Allocate(32);
        TestNative.Fill(buffer.Pointer, 32, 7);
        buffer.Dispose();
    }

    // Native code writes the 4 bytes before the buffer (into the left redzone); found at Dispose, never a crash.
    private static void UnderflowWrittenByNative()
    {
        var buffer = NativeBuffer.Allocate(32);
        TestNative.Fill(buffer.Pointer - 4, 4, 7);
        buffer.Dispose();
    }

    // The same overflow found while the buffer is still live, by Guard.Verify (reports, does not throw).
    private static void OverflowFoundByVerify()
    {
        var buffer = NativeBuffer.Allocate(48);
        TestNative.Fill(buffer.Pointer, 49, 7);
        IReadOnlyList<Violation> found = Guard.Verify();
        Console.WriteLine($"verify found {found.Count}");
        GC.KeepAlive(buffer);
    }

    private static void OverflowFoundByVerifyOk()
    {
        var buffer = NativeBuffer.Allocate(48);
        TestNative.Fill(buffer.Pointer, 48, 7);
        IReadOnlyList<Violation> found = Guard.Verify();
        Console.WriteLine($"verify found {found.Count}");
        buffer.Dispose();
    }

    // Native code writes into a freed buffer (nothing checks the call); the damaged poison is found when the
    // quarantine evicts the block. Run with a small quarantine_mb so the churn below evicts it.
    private static void WriteAfterFree()
    {
        var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        buffer.Dispose();
        TestNative.Fill(p, 8, 1);
        ChurnQuarantine();
    }

    private static void WriteAfterFreeOk()
    {
        var buffer = NativeBuffer.Allocate(64);
        TestNative.Fill(buffer.Pointer, 8, 1);
        buffer.Dispose();
        ChurnQuarantine();
    }

    // Frees 4 MiB of blocks: more than a quarantine_mb=1 quarantine holds, so older blocks are evicted.
    private static void ChurnQuarantine()
    {
        for (int i = 0; i < 64; i++) NativeBuffer.Allocate(64 * 1024).Dispose();
    }

    // The same address freed twice through the raw-pointer API.
    private static void DoubleFree()
    {
        var buffer = NativeBuffer.Allocate(16);
        NativeBuffer.Free(buffer.Pointer);
        NativeBuffer.Free(buffer.Pointer);
    }

    private static void DoubleFreeOk()
    {
        var buffer = NativeBuffer.Allocate(16);
        NativeBuffer.Free(buffer.Pointer);
    }

    // Native code frees twice; ig_free reports through the runtime's report hook (no exception crosses native frames).
    private static void NativeDoubleFree()
    {
        EnsureLoaded();
        nint p = TestNative.Alloc(24);
        TestNative.FreeTwice(p);
    }

    private static void NativeDoubleFreeOk()
    {
        EnsureLoaded();
        nint p = TestNative.Alloc(24);
        TestNative.Free(p);
    }

    // An interior pointer is freed.
    private static void InvalidFree()
    {
        var buffer = NativeBuffer.Allocate(32);
        NativeBuffer.Free(buffer.Pointer + 8);
    }

    private static void InvalidFreeOk()
    {
        var buffer = NativeBuffer.Allocate(32);
        NativeBuffer.Free(buffer.Pointer);
    }

    // A pointer into a released pin reaches a call while the array is still alive at the same address.
    private static void UseAfterUnpin()
    {
        byte[] array = new byte[100_000]; // large object heap: not moved by a gen0 GC between unpin and check
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Dispose();
        Guard.Check(p, 16);
        TestNative.Sum(p, 16);
        GC.KeepAlive(array);
    }

    private static void UseAfterUnpinOk()
    {
        byte[] array = new byte[100_000];
        using (var pin = Guard.Pin(array))
        {
            Guard.Check(pin.Pointer, 16);
            TestNative.Sum(pin.Pointer, 16);
        }
        GC.KeepAlive(array);
    }

    // A pin made on one thread and released on another; its pointer then reaches a call on a third (the first thread's
    // pin log holds the pin, any thread releases it, every thread's check reads every log).
    private static void UseAfterUnpinElsewhere()
    {
        byte[] array = new byte[100_000]; // large object heap: not moved by a gen0 GC between unpin and check
        Pin pin = OnThread(() => Guard.Pin(array));
        OnThread(() => { pin.Release(); return pin; });
        nint p = pin.Pointer;
        Guard.Check(p, 16);
        TestNative.Sum(p, 16);
        GC.KeepAlive(array);
    }

    // The same threads, the pointer used while the pin is live, released after the call.
    private static void UseAfterUnpinElsewhereOk()
    {
        byte[] array = new byte[100_000];
        Pin pin = OnThread(() => Guard.Pin(array));
        Guard.Check(pin.Pointer, 16);
        TestNative.Sum(pin.Pointer, 16);
        OnThread(() => { pin.Release(); return pin; });
        GC.KeepAlive(array);
    }

    private static Pin OnThread(Func<Pin> work)
    {
        Pin? result = null;
        var thread = new System.Threading.Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result!;
    }

    // A freed CheckedHandle cookie is used.
    private static void InvalidHandle()
    {
        var handle = CheckedHandle.Alloc(new object());
        nint cookie = handle.ToIntPtr();
        handle.Free();
        _ = CheckedHandle.FromIntPtr(cookie).Target;
    }

    private static void InvalidHandleOk()
    {
        var handle = CheckedHandle.Alloc(new object());
        nint cookie = handle.ToIntPtr();
        _ = CheckedHandle.FromIntPtr(cookie).Target;
        handle.Free();
    }

    private static void InvalidHandleDoubleFree()
    {
        var handle = CheckedHandle.Alloc(new object());
        handle.Free();
        handle.Free();
    }

    private static void InvalidHandleNeverIssued()
    {
        _ = CheckedHandle.FromIntPtr(unchecked((nint)0x5A5A_0000_1234)).Target;
    }

    // A use-after-free whose exception is caught: with halt_on_error=1 the process aborts before the catch.
    private static void HaltOnError()
    {
        try
        {
            NativeUseAfterFree();
        }
        catch (InteropViolationException e)
        {
            Console.WriteLine($"continued after the report: {e.Violation.KindName}");
        }
    }

    // One violation of each of four kinds, each caught; for the JSON and SARIF file tests.
    private static void ManyKinds()
    {
        Caught(NativeUseAfterFree);
        Caught(NativeBufferOverflow);
        Caught(DoubleFree);
        Caught(InvalidHandle);
    }

    // The same use-after-free at one site three times, each caught; for dedupe_reports and max_reports.
    private static void RepeatedReport()
    {
        for (int i = 0; i < 3; i++) Caught(NativeUseAfterFree);
        Console.WriteLine($"report count {Guard.ReportCount}");
    }

    // Four threads hit a use-after-free at once; their reports must not interleave.
    private static void ConcurrentReports()
    {
        var threads = new System.Threading.Thread[4];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = new System.Threading.Thread(() => Caught(NativeUseAfterFree)) { Name = $"reporter-{i}" };
        }
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
    }

    // Prints what the runtime decided at start-up; for the mode, options and missing-library tests.
    private static void PrintMode()
    {
        Console.WriteLine($"mode={Guard.Mode} enabled={Guard.IsEnabled}");
        using var buffer = NativeBuffer.Allocate(8);
        Guard.Check(buffer.Pointer, 8);
        Console.WriteLine($"allocated {buffer.Length}");
    }

    private static void Caught(Action action)
    {
        try
        {
            action();
        }
        catch (InteropViolationException e)
        {
            Console.WriteLine($"caught {e.Violation.KindName}");
        }
    }

    // Touches Guard so the runtime loads the native library and installs its report hook before native code runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnsureLoaded() => Console.WriteLine($"enabled={Guard.IsEnabled}");
}
