// DebugPairResult.cs - what the Debug gate measured for one pair: every round's total time per side, and the verdict per
// mode (CPU time over all rounds against the unguarded side's, mode 2 with its sweep pauses added, judged by the budget's
// rule against the budget and, for an anchored pair, the asan side's ratio).
using System.Collections.Generic;
using System.Linq;

namespace InteropGuard.DebugGate;

/// <summary>One round of one pair: the summed times of each side's iterations (all sides ran the same invocations).</summary>
/// <param name="Round">The round, numbered over all launches.</param>
/// <param name="Invocations">Invocations per side in this round.</param>
/// <param name="WallNs">Wall time per side, indexed by <see cref="DebugSide"/> (0 for a side that was not measured).</param>
/// <param name="CpuNs">Process CPU time per side, indexed by <see cref="DebugSide"/> (0 for a side that was not measured).</param>
internal sealed record DebugRound(int Round, long Invocations, long[] WallNs, long[] CpuNs)
{
    /// <summary>CPU-time ratio of <paramref name="mode"/> to the unguarded side in this round.</summary>
    public double CpuRatio(DebugSide mode) => (double)CpuNs[(int)mode] / CpuNs[(int)DebugSide.Unguarded];
}

/// <summary>A pair's rounds and verdicts.</summary>
/// <param name="Pair">The pair.</param>
/// <param name="Budget">Its budget.</param>
internal sealed class DebugPairResult(DebugPair pair, DebugBudget.Pair budget)
{
    /// <summary>The pair.</summary>
    public DebugPair Pair { get; } = pair;

    /// <summary>The largest ratio allowed per mode, and the anchor.</summary>
    public DebugBudget.Pair Budget { get; } = budget;

    /// <summary>Every round measured.</summary>
    public List<DebugRound> Rounds { get; } = [];

    /// <summary>The share of time sweeps stop a mode-2 program (<see cref="PauseSummary.Share"/>: the same for every
    /// pair, sweeps run on a timer whatever the program does); set once after measuring.</summary>
    public double PausedShare { get; set; }

    /// <summary>The gate's value for <paramref name="mode"/>: the process's CPU time over every round divided by the
    /// unguarded process's, and for mode 2 divided again by the share of time the program runs between sweeps
    /// (1 − <see cref="PausedShare"/>): a program that needs C seconds of CPU in mode 2 takes C / (1 − share) seconds
    /// when a sweep stops it for share of every second. CPU time, because on this shared machine a process waits for a
    /// core for longer than the whole overhead being measured (wall time is reported beside it); a total, not a median,
    /// so the rare slow iteration (a GC, a quarantine flush) counts as often as it happens.</summary>
    public double Ratio(DebugSide mode) => CpuRatio(mode) / (mode == DebugSide.Mode2 ? 1 - PausedShare : 1);

    /// <summary>Process CPU time over every round divided by the unguarded side's.</summary>
    public double CpuRatio(DebugSide mode) => (double)Rounds.Sum(r => r.CpuNs[(int)mode]) / Rounds.Sum(r => r.CpuNs[(int)DebugSide.Unguarded]);

    /// <summary>Wall time over every round divided by the unguarded side's: the same, plus the time each process waited
    /// for a core (noise on a loaded machine) or, in mode 2, was stopped.</summary>
    public double WallRatio(DebugSide mode) => (double)Rounds.Sum(r => r.WallNs[(int)mode]) / Rounds.Sum(r => r.WallNs[(int)DebugSide.Unguarded]);

    /// <summary>The smallest and largest CPU-time ratio of a round: how much rounds differ.</summary>
    public (double Min, double Max) Spread(DebugSide mode) => (Rounds.Min(r => r.CpuRatio(mode)), Rounds.Max(r => r.CpuRatio(mode)));

    /// <summary>Unguarded CPU time per invocation, ns.</summary>
    public double UnguardedNs => (double)Rounds.Sum(r => r.CpuNs[(int)DebugSide.Unguarded]) / Rounds.Sum(r => r.Invocations);

    /// <summary>The asan side's CPU-time ratio to the unguarded side, or null when the asan side did not run in every
    /// round.</summary>
    public double? AsanRatio => Rounds.Count > 0 && Rounds.All(r => r.CpuNs[(int)DebugSide.Asan] > 0) ? CpuRatio(DebugSide.Asan) : null;

    /// <summary>How <paramref name="mode"/> fares against its budget and its anchor (<see cref="DebugBudget.Rule"/>).</summary>
    public DebugBudget.Verdict Verdict(DebugSide mode) => Budget.Judge(mode, Ratio(mode), AsanRatio);

    /// <summary>Whether <paramref name="mode"/> passes.</summary>
    public bool Passed(DebugSide mode) => Verdict(mode).Passed;
}
