// Program.cs - entry point of the Debug-mode gate: reads the budget, starts the side processes (unguarded, mode 1, mode
// 2, asan), measures the fixed pairs in rounds, writes the results and exits 0 (within budget), 1 (over budget) or 2 (the gate
// could not measure); started with --side KEY it is one of those side processes.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

internal static class Program
{
    /// <summary>
    /// <c>dotnet InteropGuard.DebugGate.dll [--short] [--pair NAME]... [--launches N] [--rounds N] [--iterations N]
    /// [--budget FILE] [--out DIR] [--artifacts DIR]</c>; normally run by <c>dotnet cake --target=DebugGate [--short=true]</c>.
    /// </summary>
    private static int Main(string[] args)
    {
        DebugSide? side = null;
        try
        {
            string root = GateHost.RepositoryRoot();
            DebugGateSettings settings = DebugGateSettings.Parse(args, root);
            side = settings.ChildSide;
            DebugBudget budget = DebugBudget.Load(settings.BudgetPath, DebugPairs.All);
            IReadOnlyList<DebugPair> pairs = settings.Select(DebugPairs.All);
            if (side is DebugSide childSide)
            {
                return DebugGateChild.Run(childSide, pairs);
            }

            string validator = Validator(root);
            (AsanRuntime? asan, string asanMissing) = AsanRuntime.Locate();
            if (asan is null)
            {
                Console.Error.WriteLine($"debug-gate: WARNING: no asan side: {asanMissing}; an anchored pair is judged against its plain budget");
            }

            Console.WriteLine($"debug-gate: {(settings.Short ? "short" : "full")} form, {settings.Rounds} rounds ({settings.Launches} launches × {settings.RoundsPerLaunch}) of {pairs.Count} pairs" +
                $"{(pairs.Count < DebugPairs.All.Count ? " (--pair: not the gate's verdict)" : "")}; budget {budget.Path}; validator {validator}");
            string loadBefore = GateHost.LoadAverage();
            DateTime started = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            (IReadOnlyList<DebugPairResult> results, IReadOnlyList<string> proofs, PauseSummary pauses, asanMissing) =
                DebugGateRunner.Measure(settings, pairs, budget, validator, asan, asanMissing);
            var run = new DebugRunInfo(started, clock.Elapsed, GateHost.Commit(root), GateHost.Machine(), loadBefore, GateHost.LoadAverage(), proofs, pauses, asanMissing);
            string written = DebugGateResults.Write(settings, budget, run, results);

            Console.WriteLine();
            Console.Write(DebugGateResults.SummaryTable(results));
            Console.WriteLine($"debug-gate: results in {written} (and .json, .totals.txt)");
            string verdict = DebugGateResults.Verdict(results);
            Console.WriteLine($"debug-gate: {verdict}");
            return results.All(r => DebugSides.Guarded.All(r.Passed)) ? 0 : 1;
        }
        catch (GateSetupException e)
        {
            if (side is not null)
            {
                Console.Out.WriteLine("error " + e.Message.Replace('\n', ' '));
            }

            Console.Error.WriteLine($"debug-gate: ERROR: {e.Message}");
            return 2;
        }
    }

    // The validator the mode-2 side starts: InteropGuard.Cli.dll as the gate's build made it (a project reference).
    private static string Validator(string root)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        string path = Path.Combine(root, "src", "InteropGuard.Cli", "bin", configuration, "net10.0", "InteropGuard.Cli.dll");
        return File.Exists(path)
            ? path
            : throw new GateSetupException($"the validator {path} is missing: build the gate with its project references (dotnet build -c {configuration} benchmarks/InteropGuard.DebugGate)");
    }
}
