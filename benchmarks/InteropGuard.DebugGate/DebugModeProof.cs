// DebugModeProof.cs - runs once in each side process before it measures: proves the process is the side it claims
// (mode off with direct calls; mode 1 or 2 with the guarded declarations intercepted; in mode 2 the validator running;
// the asan side mode off with ASan allocating, see AsanSide),
// so the gate cannot pass by measuring the wrong thing.
using System;
using System.IO;
using System.Linq;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>The side process's self-test; throws <see cref="GateSetupException"/> naming what is wrong.</summary>
internal static unsafe class DebugModeProof
{
    /// <summary>Checks <paramref name="side"/>; returns a one-line account when all holds.</summary>
    public static string Run(DebugSide side)
    {
        GuardMode expected = side switch
        {
            DebugSide.Unguarded or DebugSide.Asan => GuardMode.Off,
            DebugSide.Mode1 => GuardMode.Boundary,
            _ => GuardMode.Validator,
        };
        if (Guard.Mode != expected)
        {
            throw new GateSetupException($"the {side.Key()} side runs in Guard.Mode {Guard.Mode}, expected {expected} (INTEROPGUARD={Environment.GetEnvironmentVariable("INTEROPGUARD")})");
        }

        if (side == DebugSide.Unguarded)
        {
            return "mode off, direct declarations";
        }

        if (side == DebugSide.Asan)
        {
            return AsanSide.Prove();
        }

        if (!Guard.IsEnabled)
        {
            throw new GateSetupException($"{side.Key()}: InteropGuard is not active (libinteropguard.so did not load?): build the native library first (dotnet cake --target=Native)");
        }

        // A released pin's pointer through a guarded declaration must be caught before the call; zero lengths, so no
        // callee reads it.
        var data = new byte[256];
        Pin pin = Guard.Pin(data);
        nint released = pin.Pointer;
        pin.Dispose();
        Console.Error.WriteLine($"debug-gate: {side.Key()} self-test: one use-after-unpin report follows; it is expected");
        try
        {
            GuardedZlib.Crc32(0, (byte*)released, 0);
            throw new GateSetupException($"{side.Key()}: a released pin's pointer passed GuardedZlib.Crc32 without a report: the guarded declarations are not intercepted (InteropGuardEnabled off, or the generator did not run)");
        }
        catch (InteropViolationException e) when (e.Violation.KindName == "use-after-unpin")
        {
        }

        GC.KeepAlive(data);
        if (side == DebugSide.Mode1)
        {
            return "mode 1, guarded declarations intercepted (use-after-unpin caught)";
        }

        int? validator = ValidatorChild();
        return validator is int pid
            ? $"mode 2, guarded declarations intercepted (use-after-unpin caught), validator running (pid {pid})"
            : throw new GateSetupException("mode2: no validator process is running under this process (InteropGuard.Cli.dll not found or it failed; see the warnings above)");
    }

    /// <summary>The pid of this process's validator (a child process running InteropGuard.Cli), or null.</summary>
    public static int? ValidatorChild()
    {
        int self = Environment.ProcessId;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == self && File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0').Any(a => a.EndsWith("InteropGuard.Cli.dll", StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // a process that ended while we looked
            }
        }

        return null;
    }
}
