// GateAlternation.cs - which side each BenchmarkDotNet iteration of a gate run measures: the benchmarks' [IterationSetup]
// asks for the next side (baseline, guarded, guarded, baseline, baseline, guarded, ...: each pair of iterations one of
// each side, the order flipping from pair to pair) and the runner reads the sequence back after the run.
using System;
using System.Collections.Generic;

namespace InteropGuard.BenchGate;

/// <summary>The side sequence of the current run. BenchmarkDotNet runs <c>[IterationSetup]</c> once before every workload
/// iteration (jitting, warm-up, actual) on the thread of the run, and the gate runs one benchmark at a time, so the
/// n-th recorded side belongs to the n-th workload measurement of the run's report. Iterations come in pairs, one of
/// each side, and the order within a pair flips from one pair to the next (A B, B A, A B, ...: an ABBA design): an
/// iteration's position in its pair moves its time (measured on the churn pair with the same code on both sides: the
/// first iteration of a pair ran ~1.5 % slower, so a run whose pairs all start with the same side read −1.5 % or
/// +1.5 % by which side that was), and two neighbouring pairs with opposite orders cancel that, and any drift that is
/// linear over the four iterations, in their mean.</summary>
internal static class GateAlternation
{
    private static readonly List<bool> s_sides = [];
    private static bool s_guardedFirst;
    private static bool s_control;
    private static int s_lead;

    /// <summary>The sides recorded since <see cref="Start"/>: true = guarded.</summary>
    public static IReadOnlyList<bool> Sides => s_sides;

    /// <summary>Starts a run; its first pair of iterations starts with the guarded side when
    /// <paramref name="guardedFirst"/>. With <paramref name="control"/> (<c>--control</c>) the guarded side's iterations
    /// run <see cref="GateSide.Twin"/>, the baseline's code in a method of its own: an A/A' run that shows what the gate
    /// reports when the code does not differ (its noise floor, and any bias of the alternation or of measuring two
    /// methods). The first <paramref name="lead"/> iterations (BenchmarkDotNet's jitting and warm-up iterations) come
    /// before the first pair and simply alternate, ending with the side the first pair does not start with, so the
    /// pairs line up with the measured iterations.</summary>
    public static void Start(bool guardedFirst, bool control = false, int lead = 0)
    {
        s_sides.Clear();
        s_guardedFirst = guardedFirst;
        s_control = control;
        s_lead = lead;
    }

    /// <summary>The iteration pair of the last <see cref="Next"/>: 0 for the run's first two iterations (one of each
    /// side), 1 for the next two, ...; both iterations of a pair measure the same copy (<see cref="GateCopies"/>).</summary>
    public static int Copy => Math.Max(0, s_sides.Count - 1 - s_lead) / 2;

    /// <summary>What the coming iteration runs; its side is recorded (guarded or not). Pair k (iterations 2k and
    /// 2k + 1) runs the side <see cref="Start"/> named first, then the other, for even k, and the other way round for
    /// odd k. In a control run the guarded side's iterations are recorded as guarded but run the twin.</summary>
    public static GateSide Next()
    {
        int iteration = s_sides.Count - s_lead;
        bool guarded = iteration < 0
            ? s_guardedFirst ^ (-iteration % 2 == 1)
            : s_guardedFirst ^ ((iteration / 2) % 2 == 1) ^ (iteration % 2 == 1);
        s_sides.Add(guarded);
        return !guarded ? GateSide.Baseline : s_control ? GateSide.Twin : GateSide.Guarded;
    }
}
