// GateRunner.cs - the gate's measuring loop: rounds over the fixed pairs, one BenchmarkDotNet run per pair and round with
// the sides alternating iteration by iteration, the side that starts flipped every round; the rounds are spread over
// several child processes of the gate (launches), each of which measures its share and hands the rounds back as JSON.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace InteropGuard.BenchGate;

/// <summary>Measures every pair <see cref="GateSettings.Rounds"/> times and keeps each round's medians.</summary>
internal static class GateRunner
{
    /// <summary>One round of one pair as a child process hands it back.</summary>
    /// <param name="Pair">The pair's name.</param>
    /// <param name="Round">The round.</param>
    internal sealed record ChildRound(string Pair, GateRound Round);

    /// <summary>The gate's own process: all rounds, in child processes when there is more than one launch.</summary>
    public static IReadOnlyList<PairResult> Measure(GateSettings settings, IReadOnlyList<GatePair> pairs, GateBudget budget)
    {
        List<PairResult> results = pairs.Select(p => new PairResult(p, budget.For(p))).ToList();
        if (settings.Launches == 1)
        {
            MeasureRounds(settings, results, 1, settings.RoundsPerLaunch);
            return results;
        }

        Directory.CreateDirectory(settings.ArtifactsDirectory);
        for (int launch = 0; launch < settings.Launches; launch++)
        {
            int firstRound = 1 + launch * settings.RoundsPerLaunch;
            string output = Path.Combine(settings.ArtifactsDirectory, $"{settings.ResultName}.from-round{firstRound}.json");
            File.Delete(output);
            RunChild(settings, output, firstRound, launch + 1);
            ChildRound[] rounds = JsonSerializer.Deserialize<ChildRound[]>(File.ReadAllText(output))
                ?? throw new GateSetupException($"launch {launch + 1} wrote no rounds to {output}");
            foreach (ChildRound round in rounds)
            {
                results.Single(r => r.Pair.Name == round.Pair).Rounds.Add(round.Round);
            }
        }

        return results;
    }

    /// <summary>A child process (<c>--child FILE</c>): warms up, measures its rounds, writes them to the file.</summary>
    public static void MeasureAsChild(GateSettings settings, IReadOnlyList<GatePair> pairs, GateBudget budget)
    {
        List<PairResult> results = pairs.Select(p => new PairResult(p, budget.For(p))).ToList();
        MeasureRounds(settings, results, settings.FirstRound, settings.RoundsPerLaunch);
        ChildRound[] rounds = results.SelectMany(r => r.Rounds.Select(x => new ChildRound(r.Pair.Name, x))).ToArray();
        File.WriteAllText(settings.ChildOutput!, JsonSerializer.Serialize(rounds));
    }

    private static void MeasureRounds(GateSettings settings, List<PairResult> results, int firstRound, int count)
    {
        using var measurement = new GateMeasurement(settings);
        var placement = new CodePlacement(settings.PlacementSeed ?? CodePlacement.NewSeed());
        Console.WriteLine($"bench-gate: code placement seed {placement.Seed} (--placement-seed {placement.Seed} repeats this process's layout)");
        measurement.Prepare(results.Select(r => r.Pair).ToList(), placement);
        var clock = Stopwatch.StartNew();
        for (int round = firstRound; round < firstRound + count; round++)
        {
            bool guardedFirst = round % 2 == 0;
            foreach (PairResult result in results)
            {
                GatePair pair = result.Pair;
                PairMeasurement m = measurement.Measure(pair, round, guardedFirst);
                var measured = new GateRound(round, !guardedFirst, m.BaselineNs, m.GuardedNs, m.Overhead);
                result.Rounds.Add(measured);
                Console.WriteLine($"bench-gate: round {round}{(settings.ChildOutput is null ? $"/{settings.Rounds}" : "")} {pair.Name,-24} baseline {GateResults.Time(m.BaselineNs),10}  " +
                    $"guarded {GateResults.Time(m.GuardedNs),10}  {GateResults.Signed(measured.Overhead, pair)}  ({clock.Elapsed:mm\\:ss})");
            }
        }
    }

    // Runs this program again as a child; its stdout (the round lines) streams through, its stderr (the self-test's
    // expected reports) is shown only when the child fails.
    private static void RunChild(GateSettings settings, string output, int firstRound, int launch)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        string assembly = typeof(GateRunner).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        var start = new ProcessStartInfo(host, (viaDotnet ? $"\"{assembly}\" " : "") + settings.ChildArguments(output, firstRound))
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Console.WriteLine($"bench-gate: launch {launch}/{settings.Launches} (process {launch} of {settings.Launches}, rounds {firstRound}–{firstRound + settings.RoundsPerLaunch - 1})");
        using Process child = Process.Start(start) ?? throw new GateSetupException($"could not start launch {launch} ({host})");
        string errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new GateSetupException($"launch {launch} failed with exit code {child.ExitCode}:\n{errors.TrimEnd()}");
        }
    }
}
