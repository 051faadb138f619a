// GatePair.cs - one pair of the gate: a baseline benchmark and its release-mode counterpart doing the same work, and
// how their difference is measured against the budget; the fixed set is GatePairs.All.
using System;

namespace InteropGuard.BenchGate;

/// <summary>How a pair's overhead is expressed (and budgeted).</summary>
internal enum OverheadUnit
{
    /// <summary>Nanoseconds added per call: guarded − baseline (trivial calls).</summary>
    Nanoseconds,

    /// <summary>Percent of the baseline's time: (guarded − baseline) / baseline × 100 (workloads).</summary>
    Percent,
}

/// <summary>A BenchmarkDotNet class with the pair's two sides: <c>Raw()</c> (the baseline: direct P/Invoke, NativeMemory),
/// <c>Guarded()</c> (release mode: intercepted P/Invoke, GuardedNativeMemory) doing the same work, <c>Twin()</c> (a copy of
/// <c>Raw()</c>, for control runs), and
/// <c>Alternating()</c> with an <c>[IterationSetup]</c> that picks the side of each iteration from
/// <see cref="GateAlternation"/>: what the gate runs.</summary>
/// <param name="Name">The key in the budget file and the results (kebab-case).</param>
/// <param name="Title">What the pair measures, for the results table.</param>
/// <param name="Benchmarks">The BenchmarkDotNet class.</param>
/// <param name="Unit">How the overhead is expressed.</param>
internal sealed record GatePair(string Name, string Title, Type Benchmarks, OverheadUnit Unit)
{
    /// <summary>The benchmark method the gate runs.</summary>
    public const string AlternatingMethod = "Alternating";

    /// <summary>The baseline method (warm-up, calibration, standalone runs).</summary>
    public const string BaselineMethod = "Raw";

    /// <summary>The release-mode method (warm-up, standalone runs).</summary>
    public const string GuardedMethod = "Guarded";

    /// <summary>The control run's copy of the baseline in its own method (warm-up).</summary>
    public const string TwinMethod = "Twin";

    /// <summary>The method that runs <paramref name="side"/>: <see cref="BaselineMethod"/>, <see cref="GuardedMethod"/> or
    /// <see cref="TwinMethod"/>.</summary>
    public static string MethodOf(GateSide side) => side switch
    {
        GateSide.Baseline => BaselineMethod,
        GateSide.Guarded => GuardedMethod,
        _ => TwinMethod,
    };

    /// <summary>The <c>[IterationSetup]</c> of <see cref="AlternatingMethod"/>.</summary>
    public const string NextSideMethod = "NextSide";

    /// <summary>The overhead of one round: ns added, or percent of the baseline.</summary>
    public double Overhead(double baselineNs, double guardedNs) => Unit == OverheadUnit.Nanoseconds
        ? guardedNs - baselineNs
        : (guardedNs - baselineNs) / baselineNs * 100.0;

    /// <summary>"ns" or "%".</summary>
    public string UnitSymbol => Unit == OverheadUnit.Nanoseconds ? "ns" : "%";
}
