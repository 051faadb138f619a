// ReleaseModeProof.cs - runs once before the gate measures anything: proves the process is in release mode and that
// every guarded declaration is intercepted while every baseline is not, so the gate cannot pass by measuring nothing.
using System;
using InteropGuard.Interception;

namespace InteropGuard.BenchGate;

/// <summary>The gate's self-test. A released <see cref="Pin"/>'s pointer (its page now in the released-range filter) is
/// passed to one guarded call of each declaration set, with lengths of 0 so no callee reads it: each must throw
/// <see cref="InteropViolationException"/> (<c>use-after-unpin</c>) before the call; the same calls through the
/// baseline declarations must run.</summary>
internal static unsafe class ReleaseModeProof
{
    /// <summary>Throws <see cref="GateSetupException"/> naming what is wrong; returns a one-line account when all holds.</summary>
    public static string Run()
    {
        if (Guard.Mode != GuardMode.Release)
        {
            throw new GateSetupException($"the gate measures release mode, but Guard.Mode is {Guard.Mode}: unset INTEROPGUARD " +
                "or set INTEROPGUARD=release (the project's runtimeconfig.json makes release the default mode)");
        }

        if (!Guard.IsEnabled || !GuardedCall.IsEnabled)
        {
            throw new GateSetupException("release mode is selected but InteropGuard is not active (libinteropguard.so did not load?): " +
                "build the native library first (dotnet cake --target=Native)");
        }

        var data = new byte[256];
        Pin pin = Guard.Pin(data);
        nint released = pin.Pointer;
        pin.Dispose();

        // The baselines: [NotIntercepted], so a stale pointer goes straight to the callee (which reads 0 bytes of it).
        RawTrivial.Sum(released, 0);
        RawZlib.Crc32(0, (byte*)released, 0);
        RawLibC.Memset((void*)released, 0, 0);
        RawSqlite.BindText(0, 1, (byte*)released, 0, 0); // a null statement: SQLITE_MISUSE, nothing read

        Console.Error.WriteLine("bench-gate: self-test: four use-after-unpin reports follow; they are expected");
        ExpectCaught("GuardedTrivial.Sum", () => GuardedTrivial.Sum(released, 0));
        ExpectCaught("GuardedZlib.Crc32", () => GuardedZlib.Crc32(0, (byte*)released, 0));
        ExpectCaught("GuardedLibC.Memset", () => GuardedLibC.Memset((void*)released, 0, 0));
        ExpectCaught("GuardedSqlite.BindText", () => GuardedSqlite.BindText(0, 1, (byte*)released, 0, 0));
        GC.KeepAlive(data);
        return "release mode; 4 guarded declaration sets intercepted (use-after-unpin caught), baselines direct";
    }

    private static void ExpectCaught(string call, Action action)
    {
        try
        {
            action();
        }
        catch (InteropViolationException e) when (e.Violation.KindName == "use-after-unpin")
        {
            return;
        }
        catch (InteropViolationException e)
        {
            throw new GateSetupException($"self-test: {call} with a released pin's pointer reported {e.Violation.KindName}, expected use-after-unpin");
        }

        throw new GateSetupException($"self-test: {call} with a released pin's pointer ran without a report: the guarded side is not " +
            "intercepted (InteropGuardEnabled/InteropGuardRelease off, or the generator did not run), so the gate would measure nothing");
    }
}
