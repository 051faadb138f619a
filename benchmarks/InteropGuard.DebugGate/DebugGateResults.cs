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
/// <param name="AsanMissing">Why the asan side did not run in every launch; empty when it did.</param>
internal sealed record DebugRunInfo(DateTime StartedUtc, TimeSpan Elapsed, string Commit, string Machine, string LoadBefore, string LoadAfter,
    IReadOnlyList<string> Proofs, PauseSummary Pauses, string AsanMissing);

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

    /// <summary>The verdict line: PASS (naming every pair and mode that passes by its anchor only, with its plain
    /// verdict), or FAIL naming every pair and mode that fails.</summary>
    public static string Verdict(IReadOnlyList<DebugPairResult> results)
    {
        string[] failed = results.SelectMany(r => DebugSides.Guarded.Where(m => !r.Passed(m)).Select(m => $"{r.Pair.Name} {Mode(m)} ({Against(r.Verdict(m))})")).ToArray();
        string[] byAnchor = results.SelectMany(r => DebugSides.Guarded.Where(m => r.Passed(m) && !r.Verdict(m).WithinBudget)
            .Select(m => $"{r.Pair.Name} {Mode(m)} ({Against(r.Verdict(m))})")).ToArray();
        string anchored = byAnchor.Length == 0 ? "" : "; by the anchor rule, over the plain budget: " + string.Join("; ", byAnchor);
        return failed.Length == 0
            ? $"PASS: modes 1 and 2 pass on all {results.Count} pairs" + (byAnchor.Length == 0 ? " within budget" : anchored)
            : "FAIL: Debug modes exceed their budget on " + string.Join("; ", failed) + anchored;
    }

    /// <summary>A verdict in words: the ratio against the budget and, where the pair has an anchor, against its limit.</summary>
    public static string Against(DebugBudget.Verdict v)
    {
        string plain = $"{Ratio(v.Ratio)} {(v.WithinBudget ? "≤" : ">")} budget {Ratio(v.Budget)}";
        return v.Anchor is not DebugSide anchor
            ? plain
            : v.AnchorLimit is double limit
                ? $"{plain}; {(v.WithinAnchor == true ? "≤" : ">")} {anchor.Key()} anchor {Ratio(limit)}"
                : $"{plain}; {anchor.Key()} anchor not measured";
    }

    /// <summary>The per-pair summary table (Markdown).</summary>
    public static string SummaryTable(IReadOnlyList<DebugPairResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| pair | unguarded, CPU per invocation | mode 1 (budget) | mode 2 with pauses (budget) | mode 2 CPU only | asan side | anchor: mode 1 / mode 2 limit | rounds: mode 1 / mode 2 CPU min … max | wall time mode 1 / mode 2 | verdict |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (DebugPairResult r in results)
        {
            (double min1, double max1) = r.Spread(DebugSide.Mode1);
            (double min2, double max2) = r.Spread(DebugSide.Mode2);
            DebugBudget.Verdict v1 = r.Verdict(DebugSide.Mode1);
            DebugBudget.Verdict v2 = r.Verdict(DebugSide.Mode2);
            string anchor = r.Budget.Anchor is not DebugSide a ? "—" : v1.AnchorLimit is double l1 && v2.AnchorLimit is double l2 ? $"{a.Key()}: {Ratio(l1)} / {Ratio(l2)}" : $"{a.Key()}: not measured";
            string verdict = !v1.Passed || !v2.Passed ? "**FAIL**" : v1.WithinBudget && v2.WithinBudget ? "pass" : "pass by anchor (plain budget: FAIL)";
            text.AppendLine($"| `{r.Pair.Name}` | {Time(r.UnguardedNs)} | {Ratio(v1.Ratio)} (≤ {Ratio(v1.Budget)}) | " +
                $"{Ratio(v2.Ratio)} (≤ {Ratio(v2.Budget)}) | {Ratio(r.CpuRatio(DebugSide.Mode2))} | {(r.AsanRatio is double asan ? Ratio(asan) : "—")} | {anchor} | " +
                $"{Ratio(min1)} … {Ratio(max1)} / {Ratio(min2)} … {Ratio(max2)} | {Ratio(r.WallRatio(DebugSide.Mode1))} / {Ratio(r.WallRatio(DebugSide.Mode2))} | {verdict} |");
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
        text.AppendLine($"- {settings.Launches} launch(es) × {settings.RoundsPerLaunch} rounds; per round and pair {settings.IterationsPerSide} iterations of each side (~{settings.IterationMilliseconds} ms unguarded), the sides' iterations next to each other in balanced orders, after one round per launch that is not counted");
        text.AppendLine($"- budget: `{Path.GetFileName(budget.Path)}`; value = the mode's process CPU time over every round / the unguarded process's, mode 2 divided by (1 − the share of time its sweeps stop it, each charged its logged pause but at most the validator's CPU time per sweep)");
        text.AppendLine($"- rule: {DebugBudget.Rule}");
        text.AppendLine(run.AsanMissing.Length == 0
            ? $"- asan side: the unguarded side's code with gcc's libasan preloaded (ASAN_OPTIONS={AsanRuntime.Options}), its CPU time / the unguarded process's"
            : $"- asan side: **not measured**: {run.AsanMissing}; anchored pairs are judged against their plain budget");
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
        text.AppendLine("| round | " + string.Join(" | ", results.Select(r => $"`{r.Pair.Name}` mode 1 / 2 / asan")) + " |");
        text.AppendLine("|---:|" + string.Concat(results.Select(_ => "---:|")));
        int rounds = results.Count == 0 ? 0 : results[0].Rounds.Count;
        for (int i = 0; i < rounds; i++)
        {
            text.AppendLine($"| {results[0].Rounds[i].Round} | " + string.Join(" | ", results.Select(r =>
                $"{Ratio(r.Rounds[i].CpuRatio(DebugSide.Mode1))} / {Ratio(r.Rounds[i].CpuRatio(DebugSide.Mode2))} / " +
                (r.Rounds[i].CpuNs[(int)DebugSide.Asan] > 0 ? Ratio(r.Rounds[i].CpuRatio(DebugSide.Asan)) : "—"))) + " |");
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
            rule = DebugBudget.Rule,
            asanMissing = run.AsanMissing,
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
                asanRatio = r.AsanRatio,
                anchor = r.Budget.Anchor?.Key(),
                modes = DebugSides.Guarded.Select(m => new
                {
                    mode = m.Key(),
                    ratio = r.Ratio(m),
                    cpuRatio = r.CpuRatio(m),
                    wallRatio = r.WallRatio(m),
                    budget = r.Budget.Max[m],
                    withinBudget = r.Verdict(m).WithinBudget,
                    anchorLimit = r.Verdict(m).AnchorLimit,
                    withinAnchor = r.Verdict(m).WithinAnchor,
                    passed = r.Passed(m),
                }),
                rounds = r.Rounds.Select(x => new { round = x.Round, invocations = x.Invocations, wallNs = x.WallNs, cpuNs = x.CpuNs }),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }
}
