// GateRound.cs - what one round measured for one pair (the BenchmarkDotNet medians of both sides and their difference),
// and the verdict over all rounds; produced by GateRunner, written by GateResults.
using System.Collections.Generic;
using System.Linq;

namespace InteropGuard.BenchGate;

/// <summary>One round of one pair.</summary>
/// <param name="Round">1-based.</param>
/// <param name="BaselineFirst">Which side ran the first iteration in this round (flipped every round).</param>
/// <param name="BaselineNs">Median of the baseline's BenchmarkDotNet iterations, ns per operation.</param>
/// <param name="GuardedNs">Median of the guarded side's BenchmarkDotNet iterations, ns per operation.</param>
/// <param name="Overhead">The round's overhead in the pair's unit: the median over neighbouring iteration pairs (one
/// baseline and one guarded iteration, run back to back) of guarded − baseline (ns) or guarded / baseline − 1 (%). Pairing
/// neighbours keeps a change in machine load during the run out of the difference, which the difference of the two
/// sides' medians would not.</param>
internal sealed record GateRound(int Round, bool BaselineFirst, double BaselineNs, double GuardedNs, double Overhead);

/// <summary>A pair's rounds and its verdict: the median overhead over rounds against the budget.</summary>
internal sealed class PairResult(GatePair pair, double budget)
{
    public GatePair Pair { get; } = pair;

    public double Budget { get; } = budget;

    public List<GateRound> Rounds { get; } = [];

    /// <summary>The gate value: the median over rounds of the per-round overhead.</summary>
    public double Overhead => Median(Rounds.Select(r => r.Overhead));

    public double BaselineNs => Median(Rounds.Select(r => r.BaselineNs));

    public double GuardedNs => Median(Rounds.Select(r => r.GuardedNs));

    /// <summary>Smallest and largest per-round overhead (the spread the median absorbed).</summary>
    public (double Min, double Max) Spread => (Rounds.Min(r => r.Overhead), Rounds.Max(r => r.Overhead));

    public bool Passed => Overhead <= Budget;

    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
