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

/// <summary>A baseline benchmark method and the guarded method doing the same work, in one benchmark class.</summary>
/// <param name="Name">The key in the budget file and the results (kebab-case).</param>
/// <param name="Title">What the pair measures, for the results table.</param>
/// <param name="Benchmarks">The BenchmarkDotNet class holding both methods.</param>
/// <param name="Baseline">The unguarded method (direct P/Invoke, NativeMemory).</param>
/// <param name="Guarded">The release-mode method (intercepted P/Invoke, GuardedNativeMemory).</param>
/// <param name="Unit">How the overhead is expressed.</param>
internal sealed record GatePair(string Name, string Title, Type Benchmarks, string Baseline, string Guarded, OverheadUnit Unit)
{
    /// <summary>The overhead of one round: ns added, or percent of the baseline.</summary>
    public double Overhead(double baselineNs, double guardedNs) => Unit == OverheadUnit.Nanoseconds
        ? guardedNs - baselineNs
        : (guardedNs - baselineNs) / baselineNs * 100.0;

    /// <summary>"ns" or "%".</summary>
    public string UnitSymbol => Unit == OverheadUnit.Nanoseconds ? "ns" : "%";
}
