// GateRunner.cs - the gate's measuring loop: rounds over the fixed pairs, baseline and guarded back to back, the order
// flipped every round so a drift in machine load does not favour one side; runs after the self-test.
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
        var clock = Stopwatch.StartNew();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            bool baselineFirst = round % 2 == 1;
            foreach (PairResult result in results)
            {
                GatePair pair = result.Pair;
                double first = measurement.MedianNanoseconds(pair.Benchmarks, baselineFirst ? pair.Baseline : pair.Guarded);
                double second = measurement.MedianNanoseconds(pair.Benchmarks, baselineFirst ? pair.Guarded : pair.Baseline);
                double baselineNs = baselineFirst ? first : second;
                double guardedNs = baselineFirst ? second : first;
                var measured = new GateRound(round, baselineFirst, baselineNs, guardedNs, pair.Overhead(baselineNs, guardedNs));
                result.Rounds.Add(measured);
                Console.WriteLine($"bench-gate: round {round}/{settings.Rounds} {pair.Name,-24} baseline {GateResults.Time(baselineNs),10}  " +
                    $"guarded {GateResults.Time(guardedNs),10}  {GateResults.Signed(measured.Overhead, pair)}  ({clock.Elapsed:mm\\:ss})");
            }
        }

        return results;
    }
}
