// Program.cs - entry point of the release-mode gate: reads the budget, proves release mode, measures the fixed pairs in
// rounds, writes the results and exits 0 (within budget), 1 (a pair over budget) or 2 (the gate could not measure).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace InteropGuard.BenchGate;

internal static class Program
{
    /// <summary>
    /// <c>dotnet InteropGuard.BenchGate.dll [--short] [--control] [--pair NAME]... [--launches N] [--rounds N] [--clock cpu|wall] [--placement-seed N] [--budget FILE]
    /// [--out DIR] [--artifacts DIR]</c>;
    /// normally run by <c>dotnet cake --target=BenchGate [--short=true]</c>.
    /// </summary>
    private static int Main(string[] args)
    {
        try
        {
            string root = GateHost.RepositoryRoot();
            GateSettings settings = GateSettings.Parse(args, root);
            GateBudget budget = GateBudget.Load(settings.BudgetPath, GatePairs.All);
            IReadOnlyList<GatePair> pairs = settings.Select(GatePairs.All);
            string proof = ReleaseModeProof.Run();
            if (settings.ChildOutput is not null)
            {
                GateRunner.MeasureAsChild(settings, pairs, budget);
                return 0;
            }

            Console.WriteLine($"bench-gate: {proof}");
            Console.WriteLine($"bench-gate: {(settings.Short ? "short" : "full")} form{(settings.Control ? ", CONTROL (A/A') run: the release side runs Twin(), a copy of the baseline" : "")}, {settings.Rounds} rounds ({settings.Launches} processes × {settings.RoundsPerLaunch}) of {pairs.Count} pairs{(pairs.Count < GatePairs.All.Count ? " (--pair: not the gate's verdict)" : "")}; budget {budget.Path}");

            string loadBefore = GateHost.LoadAverage();
            DateTime started = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var results = GateRunner.Measure(settings, pairs, budget);
            var run = new GateRunInfo(started, clock.Elapsed, GateHost.Commit(root), GateHost.Machine(), loadBefore, GateHost.LoadAverage(), Guard.Options.Text, proof, Wrappers());
            string written = GateResults.Write(settings, budget, run, results);

            Console.WriteLine();
            Console.Write(GateResults.SummaryTable(results));
            Console.WriteLine($"bench-gate: results in {written} (and .json)");
            string verdict = GateResults.Verdict(results);
            Console.WriteLine($"bench-gate: {verdict}");
            return results.All(r => r.Passed) ? 0 : 1;
        }
        catch (GateSetupException e)
        {
            Console.Error.WriteLine($"bench-gate: ERROR: {e.Message}");
            return 2;
        }
    }

    private static string Wrappers() =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "InteropGuard.Wrappers")?.Value ?? "unknown";
}
