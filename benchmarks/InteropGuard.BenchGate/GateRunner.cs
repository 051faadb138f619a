// GateRunner.cs - the gate's measuring loop: rounds over the fixed pairs, one BenchmarkDotNet run per pair and round with
// the sides alternating iteration by iteration, the side that starts flipped every round; runs after the self-test.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace InteropGuard.BenchGate;

/// <summary>Measures every pair <see cref="GateSettings.Rounds"/> times and keeps each round's medians.</summary>
internal static class GateRunner
{
    public static IReadOnlyList<PairResult> Measure(GateSettings settings, IReadOnlyList<GatePair> pairs, GateBudget budget)
    {
        List<PairResult> results = pairs.Select(p => new PairResult(p, budget.For(p))).ToList();
        using var measurement = new GateMeasurement(settings);
        measurement.Prepare(pairs);
        var clock = Stopwatch.StartNew();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            bool guardedFirst = round % 2 == 0;
            foreach (PairResult result in results)
            {
                GatePair pair = result.Pair;
                PairMeasurement m = measurement.Measure(pair, guardedFirst);
                (double baselineNs, double guardedNs) = (m.BaselineNs, m.GuardedNs);
                var measured = new GateRound(round, !guardedFirst, baselineNs, guardedNs, m.Overhead);
                result.Rounds.Add(measured);
                Console.WriteLine($"bench-gate: round {round}/{settings.Rounds} {pair.Name,-24} baseline {GateResults.Time(baselineNs),10}  " +
                    $"guarded {GateResults.Time(guardedNs),10}  {GateResults.Signed(measured.Overhead, pair)}  ({clock.Elapsed:mm\\:ss})");
            }
        }

        return results;
    }
}
