// Program.cs - the demo's entry point: runs each bug scenario, lets InteropGuard report it on stderr, and
// exits 0 only when every expected report appeared (so CI can run the demo as a smoke test).
using System;
using System.Collections.Generic;
using System.Linq;

namespace InteropGuard.Demo;

/// <summary>Runs the scenarios and checks their reports.</summary>
internal static class Program
{
    /// <summary>One scenario: what it shows, the report it must produce, and the buggy code.</summary>
    private sealed record Scenario(string Title, ViolationKind Expected, Action Run, bool NeedsValidator = false, bool InChildProcess = false);

    private static readonly Scenario[] All =
    [
        new("use after free: a buffer disposed while native code still reads it",
            ViolationKind.NativeUseAfterFree, Scenarios.UseAfterFree),
        new("buffer overflow: a native read longer than the buffer",
            ViolationKind.NativeBufferOverflow, Scenarios.OverflowByLength),
        new("buffer overflow: native code writes past the end, found by Guard.Verify and Dispose",
            ViolationKind.NativeBufferOverflow, Scenarios.OverflowByNativeWrite),
        new("double free: ownership handed over as a raw pointer, then freed again by Dispose",
            ViolationKind.DoubleFree, Scenarios.DoubleFree),
        new("use after unpin: native code keeps a pointer from a pin and hands it back later",
            ViolationKind.UseAfterUnpin, Scenarios.UseAfterUnpin),
        new("invalid handle: a callback cookie used after its handle was freed",
            ViolationKind.InvalidHandle, Scenarios.InvalidHandle),
        new("pooled buffer: a scanline buffer returned to the pool while the codec still streams into it",
            ViolationKind.ArrayPoolUseAfterReturn, LifetimeScenarios.PooledBufferUseAfterReturn),
        new("mapped view: the codec reads a memory-mapped image after the view was closed",
            ViolationKind.UseAfterUnmap, LifetimeScenarios.MappedImageUseAfterUnmap),
        new("string pin: the codec keeps a file name string past its pin (SQLITE_STATIC style)",
            ViolationKind.UseAfterUnpin, LifetimeScenarios.StringKeptPastPin),
        new("callback: the codec calls a progress callback the program already disposed",
            ViolationKind.CollectedDelegateCallback, CallbackHandleScenarios.ProgressCallbackAfterDispose),
        new("finalizer: a decoder finalized during a blocking decode on its raw handle (missing GC.KeepAlive)",
            ViolationKind.HandleReleasedInUse, CallbackHandleScenarios.DecoderFinalizedDuringDecode),
        new("validator: the codec keeps a pointer from a `fixed` block in its own data, found by a sweep (mode 2)",
            ViolationKind.UnpinnedManagedPointer, ValidatorScenarios.RowKeptAfterFixed, NeedsValidator: true),
        new("release mode: the codec writes past a sampled buffer and hits its guard page (a child process, INTEROPGUARD=release)",
            ViolationKind.NativeBufferOverflow, ReleaseModeScenario.Run, InChildProcess: true),
    ];

    private static readonly object Gate = new();
    private static readonly List<Violation> Reported = [];

    private static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == ReleaseModeScenario.ChildArgument)
        {
            return ReleaseModeScenario.ChildMain();
        }

        if (!Guard.IsEnabled)
        {
            // Unguarded, these bugs corrupt the heap instead of being reported: do not run them.
            Console.Error.WriteLine(Guard.Mode == GuardMode.Off
                ? "InteropGuard is off (INTEROPGUARD=0): the demo's bugs would corrupt memory unreported. Run it with INTEROPGUARD=1 (the default)."
                : "InteropGuard could not load libinteropguard.so (see the warning above): put it next to the demo or set INTEROPGUARD_NATIVE_LIB.");
            return 1;
        }

        // Reports that do not throw (Guard.Verify, frees found bad on Dispose) arrive here too.
        Guard.ViolationReported += violation =>
        {
            lock (Gate)
                Reported.Add(violation);
        };

        Console.WriteLine($"InteropGuard demo: mode {Guard.Mode}, {All.Length} scenarios; reports go to stderr.");
        var results = new List<(Scenario Scenario, int Count)>();
        for (int i = 0; i < All.Length; i++)
        {
            Scenario scenario = All[i];
            Console.WriteLine();
            Console.WriteLine($"[{i + 1}/{All.Length}] {scenario.Title}");
            if (scenario.NeedsValidator && Guard.Mode != GuardMode.Validator)
            {
                Console.WriteLine("      -> skipped: the validator runs in mode 2 (INTEROPGUARD=2; `dotnet cake --target=Demo` sets it)");
                continue;
            }

            int count = Run(scenario);
            Console.WriteLine(count > 0
                ? $"      -> reported {ViolationKinds.GetName(scenario.Expected)} ({count}x)"
                : $"      -> MISSING: no {ViolationKinds.GetName(scenario.Expected)} report");
            results.Add((scenario, count));
        }

        return PrintSummary(results);
    }

    /// <summary>Runs one scenario and returns how many reports of the expected kind it produced.</summary>
    private static int Run(Scenario scenario)
    {
        lock (Gate)
            Reported.Clear();
        try
        {
            scenario.Run();
        }
        catch (InteropViolationException exception)
        {
            Violation violation = exception.Violation;
            Console.WriteLine($"      caught InteropViolationException: {violation.KindName} [{violation.Id}]");
        }
        catch (Exception exception)
        {
            Console.WriteLine($"      unexpected {exception.GetType().Name}: {exception.Message}");
        }

        if (scenario.InChildProcess)
            return ReleaseModeScenario.ReportsSeen;
        lock (Gate)
            return Reported.Count(violation => violation.Kind == scenario.Expected);
    }

    private static int PrintSummary(List<(Scenario Scenario, int Count)> results)
    {
        string[] missing = results.Where(r => r.Count == 0)
            .Select(r => ViolationKinds.GetName(r.Scenario.Expected) + " (" + r.Scenario.Title.Split(':')[0] + ")")
            .ToArray();
        Console.WriteLine();
        Console.WriteLine($"Summary: {results.Count - missing.Length} of {results.Count} scenarios produced their report; " +
            $"{Guard.ReportCount} reports in total.");
        foreach ((Scenario scenario, int count) in results)
            Console.WriteLine($"  {(count > 0 ? "ok     " : "MISSING")} {ViolationKinds.GetName(scenario.Expected),-28} {scenario.Title.Split(':')[0]}");
        if (missing.Length == 0)
            return 0;
        Console.WriteLine("Missing reports: " + string.Join(", ", missing));
        return 1;
    }
}
