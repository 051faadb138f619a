// GateResults.cs - writes the gate's results after the last round: a Markdown report (verdict, the per-pair table, every
// round) and the same numbers as JSON, and formats numbers for the console.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace InteropGuard.BenchGate;

/// <summary>The run's facts besides the numbers: when, where, how long.</summary>
/// <param name="StartedUtc">Start of measuring.</param>
/// <param name="Elapsed">Time spent measuring.</param>
/// <param name="Commit">The repository's commit (git rev-parse), or "unknown".</param>
/// <param name="Machine">CPU model, logical processors, OS, runtime.</param>
/// <param name="LoadBefore">/proc/loadavg before measuring.</param>
/// <param name="LoadAfter">/proc/loadavg after.</param>
/// <param name="Options">INTEROPGUARD_OPTIONS as the runtime read it (null = defaults).</param>
/// <param name="Proof">What the self-test established.</param>
/// <param name="Wrappers">Which generated wrappers the guarded side has (the build's InteropGuard.Wrappers metadata).</param>
internal sealed record GateRunInfo(DateTime StartedUtc, TimeSpan Elapsed, string Commit, string Machine, string LoadBefore, string LoadAfter,
    string? Options, string Proof, string Wrappers);

/// <summary>Results files and number formatting.</summary>
internal static class GateResults
{
    /// <summary>Writes <c>&lt;name&gt;.md</c>, <c>&lt;name&gt;.json</c> and <c>&lt;name&gt;.totals.txt</c> (one line,
    /// "N passed, N failed", counting pairs, which .ci/run adds to the test totals); returns the Markdown path.</summary>
    public static string Write(GateSettings settings, GateBudget budget, GateRunInfo run, IReadOnlyList<PairResult> results)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        string markdown = Path.Combine(settings.OutputDirectory, settings.ResultName + ".md");
        File.WriteAllText(markdown, Markdown(settings, budget, run, results));
        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.ResultName + ".json"), Json(settings, budget, run, results));
        int passed = results.Count(r => r.Passed);
        File.WriteAllText(Path.Combine(settings.OutputDirectory, settings.ResultName + ".totals.txt"), $"{passed} passed, {results.Count - passed} failed\n");
        return markdown;
    }

    /// <summary>The verdict line: PASS, or FAIL naming every pair over its budget.</summary>
    public static string Verdict(IReadOnlyList<PairResult> results)
    {
        PairResult[] failed = results.Where(r => !r.Passed).ToArray();
        return failed.Length == 0
            ? $"PASS: release mode is within budget on all {results.Count} pairs"
            : "FAIL: release mode exceeds its budget on " + string.Join("; ", failed.Select(f =>
                $"{f.Pair.Name} ({Signed(f.Overhead, f.Pair)} > {Budget(f.Budget, f.Pair)})"));
    }

    /// <summary>The per-pair summary table (Markdown), as README shows it.</summary>
    public static string SummaryTable(IReadOnlyList<PairResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| pair | baseline (median of rounds) | release mode (median of rounds) | overhead (median of rounds) | min … max over rounds | budget | verdict |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (PairResult r in results)
        {
            string spread = $"{Signed(r.Spread.Min, r.Pair)} … {Signed(r.Spread.Max, r.Pair)}";
            string verdict = r.Passed ? "pass" : "**FAIL**";
            text.AppendLine($"| `{r.Pair.Name}` | {Time(r.BaselineNs)} | {Time(r.GuardedNs)} | **{Signed(r.Overhead, r.Pair)}** | {spread} | ≤ {Budget(r.Budget, r.Pair)} | {verdict} |");
        }

        return text.ToString();
    }

    /// <summary>ns per operation with a unit that keeps 3–4 significant digits.</summary>
    public static string Time(double ns) => ns switch
    {
        < 1_000 => Invariant($"{ns:F2} ns"),
        < 1_000_000 => Invariant($"{ns / 1_000:F2} µs"),
        _ => Invariant($"{ns / 1_000_000:F3} ms"),
    };

    /// <summary>An overhead with its sign and unit: "+0.84 ns", "−0.12 %".</summary>
    public static string Signed(double value, GatePair pair) =>
        Invariant($"{(value < 0 ? "−" : "+")}{Math.Abs(value):F2} {pair.UnitSymbol}");

    private static string Budget(double value, GatePair pair) => Invariant($"{value:0.##} {pair.UnitSymbol}");

    private static string Markdown(GateSettings settings, GateBudget budget, GateRunInfo run, IReadOnlyList<PairResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine($"# BenchGate results{(settings.Short ? " (short form)" : "")}{(settings.Control ? ", CONTROL RUN (A/A': the release side runs Twin(), the baseline's code in its own method)" : "")}");
        text.AppendLine();
        text.AppendLine("Written by `benchmarks/InteropGuard.BenchGate` (`dotnet cake --target=BenchGate" + (settings.Short ? " --short=true" : "") +
            "`); see benchmarks/README.md, \"BenchGate\". Release mode (`INTEROPGUARD=release`) against the unguarded call in the same process: " +
            "baseline = `[NotIntercepted]` declaration / `NativeMemory`, release mode = intercepted declaration / `GuardedNativeMemory`, " +
            "alternating iteration by iteration within each BenchmarkDotNet run.");
        text.AppendLine();
        text.AppendLine($"**{Verdict(results)}**");
        text.AppendLine();
        text.Append(SummaryTable(results));
        text.AppendLine();
        text.AppendLine("Times are per operation (trivial pairs: per call; workloads: per invocation): the median over rounds of each " +
            "round's median of BenchmarkDotNet iterations; the two columns come from different iterations and carry the machine's load, so " +
            "their ratio is not the overhead. Iterations come in pairs (one baseline and one release-mode iteration, back to back), " +
            "the order flipping from pair to pair; a round's overhead is the median over groups of two neighbouring pairs of their " +
            "mean release − baseline; the gate value is the median of the rounds' overheads.");
        text.AppendLine();
        text.AppendLine("## Run");
        text.AppendLine();
        text.AppendLine(Invariant($"- started {run.StartedUtc:yyyy-MM-dd HH:mm} UTC, measuring took {run.Elapsed:h\\:mm\\:ss}; commit `{run.Commit}`"));
        text.AppendLine($"- machine: {run.Machine}");
        text.AppendLine($"- load average before / after: {run.LoadBefore} / {run.LoadAfter}");
        text.AppendLine($"- {settings.Rounds} rounds in {settings.Launches} processes ({settings.RoundsPerLaunch} each, after warm-up passes); per pair and round one BenchmarkDotNet run (in-process, timed by {settings.ClockName}) whose " +
            $"iterations alternate baseline and release mode in pairs of both orders: {settings.WarmupPerSide} warm-up + {settings.IterationsPerSide} measured iterations " +
            $"of ~{settings.IterationMilliseconds} ms per side, the side that starts flipped every round; per round the median of each side's iterations; " +
            "every iteration pair in artifacts/bench-gate/*.iterations.csv");
        text.AppendLine($"- INTEROPGUARD_OPTIONS: {(run.Options is null ? "unset (defaults: sample_rate 20000 in release mode)" : "`" + run.Options + "`")}");
        text.AppendLine($"- guarded side: {run.Wrappers}");
        text.AppendLine($"- self-test: {run.Proof}");
        text.AppendLine($"- budget: `{RelativeBudget(budget.Path)}`");
        text.AppendLine();
        text.AppendLine("## Rounds");
        foreach (PairResult r in results)
        {
            text.AppendLine();
            text.AppendLine($"### `{r.Pair.Name}`: {r.Pair.Title}");
            text.AppendLine();
            text.AppendLine("| round | first iteration | baseline | release mode | overhead |");
            text.AppendLine("|---:|---|---:|---:|---:|");
            foreach (GateRound round in r.Rounds)
            {
                text.AppendLine($"| {round.Round} | {(round.BaselineFirst ? "baseline" : "release")} | {Time(round.BaselineNs)} | {Time(round.GuardedNs)} | {Signed(round.Overhead, r.Pair)} |");
            }
        }

        return text.ToString();
    }

    private static string Json(GateSettings settings, GateBudget budget, GateRunInfo run, IReadOnlyList<PairResult> results)
    {
        var document = new
        {
            form = settings.Short ? "short" : "full",
            control = settings.Control,
            passed = results.All(r => r.Passed),
            verdict = Verdict(results),
            startedUtc = run.StartedUtc,
            elapsedSeconds = Math.Round(run.Elapsed.TotalSeconds, 1),
            commit = run.Commit,
            machine = run.Machine,
            loadBefore = run.LoadBefore,
            loadAfter = run.LoadAfter,
            options = run.Options,
            selfTest = run.Proof,
            wrappers = run.Wrappers,
            budgetFile = RelativeBudget(budget.Path),
            rounds = settings.Rounds,
            launches = settings.Launches,
            job = new { inProcess = true, clock = settings.ClockName, alternating = true, pairOrder = "both orders (ABBA)", warmupPerSide = settings.WarmupPerSide, iterationsPerSide = settings.IterationsPerSide, iterationMilliseconds = settings.IterationMilliseconds },
            pairs = results.Select(r => new
            {
                name = r.Pair.Name,
                title = r.Pair.Title,
                unit = r.Pair.UnitSymbol,
                budget = r.Budget,
                overhead = Math.Round(r.Overhead, 4),
                passed = r.Passed,
                baselineNs = Math.Round(r.BaselineNs, 3),
                guardedNs = Math.Round(r.GuardedNs, 3),
                minOverhead = Math.Round(r.Spread.Min, 4),
                maxOverhead = Math.Round(r.Spread.Max, 4),
                rounds = r.Rounds.Select(x => new
                {
                    round = x.Round,
                    first = x.BaselineFirst ? "baseline" : "guarded",
                    baselineNs = Math.Round(x.BaselineNs, 3),
                    guardedNs = Math.Round(x.GuardedNs, 3),
                    overhead = Math.Round(x.Overhead, 4),
                }),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string RelativeBudget(string path)
    {
        int at = path.Replace('\\', '/').LastIndexOf("/benchmarks/", StringComparison.Ordinal);
        return at >= 0 ? path[(at + 1)..] : path;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
