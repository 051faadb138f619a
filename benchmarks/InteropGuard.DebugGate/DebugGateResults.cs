// DebugGateResults.cs - writes the Debug gate's results after the last round: a Markdown report (verdict, the per-pair
// table, every round), the same numbers as JSON and the totals line for .ci/run; formats numbers for the console.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace InteropGuard.DebugGate;

/// <summary>The run's facts besides the numbers.</summary>
/// <param name="StartedUtc">Start of measuring.</param>
/// <param name="Elapsed">Time spent measuring (processes started, warmed, measured).</param>
/// <param name="Commit">The repository's commit, or "unknown".</param>
/// <param name="Machine">CPU model, logical processors, OS, runtime.</param>
/// <param name="LoadBefore">/proc/loadavg before measuring.</param>
/// <param name="LoadAfter">/proc/loadavg after.</param>
/// <param name="Proofs">What each side's self-test established.</param>
/// <param name="Pauses">The mode-2 process's sweeps while the gate measured.</param>
internal sealed record DebugRunInfo(DateTime StartedUtc, TimeSpan Elapsed, string Commit, string Machine, string LoadBefore, string LoadAfter,
    IReadOnlyList<string> Proofs, PauseSummary Pauses);

/// <summary>Results files and number formatting.</summary>
internal static class DebugGateResults
{
    /// <summary>Writes <c>&lt;name&gt;.md</c>, <c>.json</c> and <c>.totals.txt</c> ("N passed, N failed", one test per
    /// pair and mode); returns the Markdown path.</summary>
    public static string Write(DebugGateSettings settings, DebugBudget budget, DebugRunInfo run, IReadOnlyList<DebugPairResult> results)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        string markdown = Path.Combine(settings.OutputDirectory, settings.ResultName + ".md");
        File.WriteAllText(markdown, Markdown(settings, budget, run, results));
        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.ResultName + ".json"), Json(settings, run, results));
        int total = results.Count * DebugSides.Guarded.Count;
        int passed = results.Sum(r => DebugSides.Guarded.Count(r.Passed));
        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.ResultName + ".totals.txt"), $"{passed} passed, {total - passed} failed\n");
        return markdown;
    }

    /// <summary>The verdict line: PASS, or FAIL naming every pair and mode over its budget.</summary>
    public static string Verdict(IReadOnlyList<DebugPairResult> results)
    {
        string[] failed = results.SelectMany(r => DebugSides.Guarded.Where(m => !r.Passed(m))
            .Select(m => $"{r.Pair.Name} {Mode(m)} ({Ratio(r.Ratio(m))} > {Ratio(r.Budget[m])})")).ToArray();
        return failed.Length == 0
            ? $"PASS: modes 1 and 2 are within budget on all {results.Count} pairs"
            : "FAIL: Debug modes exceed their budget on " + string.Join("; ", failed);
    }

    /// <summary>The per-pair summary table (Markdown).</summary>
    public static string SummaryTable(IReadOnlyList<DebugPairResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| pair | unguarded, CPU per invocation | mode 1 (budget) | mode 2 with pauses (budget) | mode 2 CPU only | rounds: mode 1 / mode 2 CPU min … max | wall time mode 1 / mode 2 | verdict |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (DebugPairResult r in results)
        {
            bool passed = DebugSides.Guarded.All(r.Passed);
            (double min1, double max1) = r.Spread(DebugSide.Mode1);
            (double min2, double max2) = r.Spread(DebugSide.Mode2);
            text.AppendLine($"| `{r.Pair.Name}` | {Time(r.UnguardedNs)} | {Ratio(r.Ratio(DebugSide.Mode1))} (≤ {Ratio(r.Budget[DebugSide.Mode1])}) | " +
                $"{Ratio(r.Ratio(DebugSide.Mode2))} (≤ {Ratio(r.Budget[DebugSide.Mode2])}) | {Ratio(r.CpuRatio(DebugSide.Mode2))} | " +
                $"{Ratio(min1)} … {Ratio(max1)} / {Ratio(min2)} … {Ratio(max2)} | {Ratio(r.WallRatio(DebugSide.Mode1))} / {Ratio(r.WallRatio(DebugSide.Mode2))} | {(passed ? "pass" : "**FAIL**")} |");
        }

        return text.ToString();
    }

    /// <summary>A time in ns, µs or ms.</summary>
    public static string Time(double ns) => ns switch
    {
        < 1_000 => ns.ToString("F1", CultureInfo.InvariantCulture) + " ns",
        < 1_000_000 => (ns / 1_000).ToString("F2", CultureInfo.InvariantCulture) + " µs",
        _ => (ns / 1_000_000).ToString("F2", CultureInfo.InvariantCulture) + " ms",
    };

    /// <summary>A ratio as "1.23×".</summary>
    public static string Ratio(double ratio) => ratio.ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string Mode(DebugSide mode) => mode == DebugSide.Mode1 ? "mode 1" : "mode 2";

    private static string Markdown(DebugGateSettings settings, DebugBudget budget, DebugRunInfo run, IReadOnlyList<DebugPairResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Debug-mode gate ({(settings.Short ? "short" : "full")} form{(settings.OnlyPairs.Count > 0 ? ", some pairs: not the gate's verdict" : "")})");
        text.AppendLine();
        text.AppendLine($"- date: {run.StartedUtc:yyyy-MM-dd HH:mm} UTC, commit `{run.Commit}`, measuring took {run.Elapsed:mm\\:ss}");
        text.AppendLine($"- machine: {run.Machine}; load average before {run.LoadBefore}, after {run.LoadAfter}");
        text.AppendLine($"- {settings.Launches} launch(es) × {settings.RoundsPerLaunch} rounds; per round and pair {settings.IterationsPerSide} iterations of each side (~{settings.IterationMilliseconds} ms unguarded), the three sides' iterations next to each other");
        text.AppendLine($"- budget: `{Path.GetFileName(budget.Path)}`; value = the mode's process CPU time over every round / the unguarded process's, mode 2 divided by (1 − the share of time its sweeps stop it, each charged its logged pause but at most the validator's CPU time per sweep)");
        text.AppendLine($"- mode-2 sweeps while measuring: {run.Pauses.Sweeps} in {run.Pauses.WindowMs / 1000:F1} s; logged pauses {run.Pauses.PausedMs:F0} ms in all (mean {run.Pauses.MeanMs:F1} ms, {run.Pauses.LoggedShare * 100:F1} % of the time on this machine's load); validator CPU {run.Pauses.ValidatorCpuMs:F0} ms ({run.Pauses.CpuPerSweepMs:F1} ms per sweep); charged per sweep {run.Pauses.ChargedMs:F1} ms, every {DebugSides.SweepIntervalMs} ms: share {run.Pauses.Share * 100:F2} %");
        foreach (string proof in run.Proofs)
        {
            text.AppendLine($"- {proof}");
        }

        text.AppendLine();
        text.AppendLine($"**{Verdict(results)}**");
        text.AppendLine();
        text.Append(SummaryTable(results));
        text.AppendLine();
        text.AppendLine("## Pairs");
        text.AppendLine();
        foreach (DebugPairResult r in results)
        {
            text.AppendLine($"- `{r.Pair.Name}`: {r.Pair.Title}");
        }

        text.AppendLine();
        text.AppendLine("## Rounds (CPU-time ratios to the unguarded side, without pauses)");
        text.AppendLine();
        text.AppendLine("| round | " + string.Join(" | ", results.Select(r => $"`{r.Pair.Name}` mode 1 / 2")) + " |");
        text.AppendLine("|---:|" + string.Concat(results.Select(_ => "---:|")));
        int rounds = results.Count == 0 ? 0 : results[0].Rounds.Count;
        for (int i = 0; i < rounds; i++)
        {
            text.AppendLine($"| {results[0].Rounds[i].Round} | " + string.Join(" | ", results.Select(r =>
                $"{Ratio(r.Rounds[i].CpuRatio(DebugSide.Mode1))} / {Ratio(r.Rounds[i].CpuRatio(DebugSide.Mode2))}")) + " |");
        }

        return text.ToString();
    }

    private static string Json(DebugGateSettings settings, DebugRunInfo run, IReadOnlyList<DebugPairResult> results)
    {
        var document = new
        {
            form = settings.Short ? "short" : "full",
            date = run.StartedUtc.ToString("O", CultureInfo.InvariantCulture),
            commit = run.Commit,
            machine = run.Machine,
            load = new { before = run.LoadBefore, after = run.LoadAfter },
            launches = settings.Launches,
            roundsPerLaunch = settings.RoundsPerLaunch,
            iterationsPerSide = settings.IterationsPerSide,
            proofs = run.Proofs,
            sweeps = new
            {
                count = run.Pauses.Sweeps,
                pausedMs = run.Pauses.PausedMs,
                validatorCpuMs = run.Pauses.ValidatorCpuMs,
                windowMs = run.Pauses.WindowMs,
                chargedMs = run.Pauses.ChargedMs,
                share = run.Pauses.Share,
                loggedShare = run.Pauses.LoggedShare,
            },
            pairs = results.Select(r => new
            {
                name = r.Pair.Name,
                unguardedNsPerInvocation = r.UnguardedNs,
                modes = DebugSides.Guarded.Select(m => new
                {
                    mode = m.Key(),
                    ratio = r.Ratio(m),
                    cpuRatio = r.CpuRatio(m),
                    wallRatio = r.WallRatio(m),
                    budget = r.Budget[m],
                    passed = r.Passed(m),
                }),
                rounds = r.Rounds.Select(x => new { round = x.Round, invocations = x.Invocations, wallNs = x.WallNs, cpuNs = x.CpuNs }),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }
}
