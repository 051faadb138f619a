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
            string root = RepositoryRoot();
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

            string loadBefore = LoadAverage();
            DateTime started = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var results = GateRunner.Measure(settings, pairs, budget);
            var run = new GateRunInfo(started, clock.Elapsed, Commit(root), Machine(), loadBefore, LoadAverage(), Guard.Options.Text, proof, Wrappers());
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

    // The directory holding InteropGuard.sln, above the assembly (bin/Release/net10.0) or the working directory.
    private static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "InteropGuard.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new GateSetupException("cannot find the repository (InteropGuard.sln) above the gate's assembly or the working directory");
    }

    private static string Wrappers() =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "InteropGuard.Wrappers")?.Value ?? "unknown";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Machine()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return $"{cpu}, {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    private static string Commit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (git is null)
            {
                return "unknown";
            }

            string commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
