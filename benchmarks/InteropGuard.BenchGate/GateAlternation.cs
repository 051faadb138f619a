// GateAlternation.cs - which side each BenchmarkDotNet iteration of a gate run measures: the benchmarks' [IterationSetup]
// asks for the next side (baseline, guarded, baseline, ...) and the runner reads the sequence back after the run.
using System.Collections.Generic;

namespace InteropGuard.BenchGate;

/// <summary>The side sequence of the current run. BenchmarkDotNet runs <c>[IterationSetup]</c> once before every workload
/// iteration (jitting, warm-up, actual) on the thread of the run, and the gate runs one benchmark at a time, so the
/// n-th recorded side belongs to the n-th workload measurement of the run's report.</summary>
internal static class GateAlternation
{
    private static readonly List<bool> s_sides = [];
    private static bool s_nextGuarded;

    /// <summary>The sides recorded since <see cref="Start"/>: true = guarded.</summary>
    public static IReadOnlyList<bool> Sides => s_sides;

    /// <summary>Starts a run; the first iteration measures the guarded side when <paramref name="guardedFirst"/>.</summary>
    public static void Start(bool guardedFirst)
    {
        s_sides.Clear();
        s_nextGuarded = guardedFirst;
    }

    /// <summary>The side of the coming iteration (true = guarded); the next call returns the other.</summary>
    public static bool Next()
    {
        bool guarded = s_nextGuarded;
        s_nextGuarded = !guarded;
        s_sides.Add(guarded);
        return guarded;
    }
}
