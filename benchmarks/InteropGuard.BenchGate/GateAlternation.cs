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
    private static bool s_control;

    /// <summary>The sides recorded since <see cref="Start"/>: true = guarded.</summary>
    public static IReadOnlyList<bool> Sides => s_sides;

    /// <summary>Starts a run; the first iteration measures the guarded side when <paramref name="guardedFirst"/>. With
    /// <paramref name="control"/> (<c>--control</c>) the guarded side's iterations run <see cref="GateSide.Twin"/>, the
    /// baseline's code in a method of its own: an A/A' run that shows what the gate reports when the code does not
    /// differ (its noise floor, and any bias of the alternation or of measuring two methods).</summary>
    public static void Start(bool guardedFirst, bool control = false)
    {
        s_sides.Clear();
        s_nextGuarded = guardedFirst;
        s_control = control;
    }

    /// <summary>The iteration pair of the last <see cref="Next"/>: 0 for the run's first two iterations (one of each
    /// side), 1 for the next two, ...; both iterations of a pair measure the same copy (<see cref="GateCopies"/>).</summary>
    public static int Copy => (s_sides.Count - 1) / 2;

    /// <summary>What the coming iteration runs; its side is recorded (guarded or not), and the next call hands out the
    /// other side. In a control run the guarded side's iterations are recorded as guarded but run the twin.</summary>
    public static GateSide Next()
    {
        bool guarded = s_nextGuarded;
        s_nextGuarded = !guarded;
        s_sides.Add(guarded);
        return !guarded ? GateSide.Baseline : s_control ? GateSide.Twin : GateSide.Guarded;
    }
}
