// DebugGateRunner.cs - the Debug gate's measuring loop: per launch, one process per side (unguarded, mode 1, mode 2), the
// iteration count of each pair calibrated on the unguarded side, then rounds in which the three sides' iterations of a
// pair follow each other, the order cycling through every permutation.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>Measures every pair in every round of every launch.</summary>
internal static class DebugGateRunner
{
    // Every order of the three sides; iteration k of a round uses order (k + round) mod 6, so each side runs first,
    // second and third equally often (the position in a group moves an iteration's time a little).
    private static readonly DebugSide[][] s_orders =
    [
        [DebugSide.Unguarded, DebugSide.Mode1, DebugSide.Mode2],
        [DebugSide.Mode2, DebugSide.Mode1, DebugSide.Unguarded],
        [DebugSide.Mode1, DebugSide.Unguarded, DebugSide.Mode2],
        [DebugSide.Mode2, DebugSide.Unguarded, DebugSide.Mode1],
        [DebugSide.Unguarded, DebugSide.Mode2, DebugSide.Mode1],
        [DebugSide.Mode1, DebugSide.Mode2, DebugSide.Unguarded],
    ];

    /// <summary>Runs the gate; returns the results per pair, the side processes' self-test accounts and the mode-2
    /// process's sweeps while measuring.</summary>
    public static (IReadOnlyList<DebugPairResult> Results, IReadOnlyList<string> Proofs, PauseSummary Pauses) Measure(
        DebugGateSettings settings, IReadOnlyList<DebugPair> pairs, DebugBudget budget, string validator)
    {
        List<DebugPairResult> results = pairs.Select(p => new DebugPairResult(p, DebugSides.Guarded.ToDictionary(m => m, m => budget.For(p, m)))).ToList();
        var proofs = new SortedSet<string>();
        Directory.CreateDirectory(settings.ArtifactsDirectory);
        var csv = new StringBuilder("launch,round,pair,iteration,side,invocations,wall_ns,process_cpu_ns\n");
        var clock = Stopwatch.StartNew();
        var pauses = new PauseSummary(0, 0, 0, 0);
        for (int launch = 1; launch <= settings.Launches; launch++)
        {
            Console.WriteLine($"debug-gate: launch {launch}/{settings.Launches}: starting the unguarded, mode-1 and mode-2 processes");
            var sides = new SideProcess[DebugSides.All.Count];
            try
            {
                foreach (DebugSide side in DebugSides.All)
                {
                    sides[(int)side] = SideProcess.Start(side, settings, validator);
                    proofs.Add($"{side.Key()}: {sides[(int)side].Proof}");
                }

                int[] invocations = pairs.Select((p, i) => Calibrate(sides[(int)DebugSide.Unguarded], i, settings.IterationMilliseconds)).ToArray();
                long validatorStart = sides[(int)DebugSide.Mode2].ValidatorCpu();
                long windowStart = Stopwatch.GetTimestamp();
                for (int r = 0; r < settings.RoundsPerLaunch; r++)
                {
                    int round = (launch - 1) * settings.RoundsPerLaunch + r + 1;
                    for (int p = 0; p < pairs.Count; p++)
                    {
                        var wall = new long[DebugSides.All.Count];
                        var cpu = new long[DebugSides.All.Count];
                        for (int k = 0; k < settings.IterationsPerSide; k++)
                        {
                            foreach (DebugSide side in s_orders[(k + round) % s_orders.Length])
                            {
                                (long w, long c) = sides[(int)side].Run(p, invocations[p]);
                                wall[(int)side] += w;
                                cpu[(int)side] += c;
                                csv.Append(FormattableString.Invariant($"{launch},{round},{pairs[p].Name},{k},{side.Key()},{invocations[p]},{w},{c}\n"));
                            }
                        }

                        var measured = new DebugRound(round, (long)invocations[p] * settings.IterationsPerSide, wall, cpu);
                        results[p].Rounds.Add(measured);
                        Console.WriteLine($"debug-gate: round {round}/{settings.Rounds} {pairs[p].Name,-24} unguarded {DebugGateResults.Time((double)wall[0] / measured.Invocations),10}  " +
                            $"CPU: mode 1 {measured.CpuRatio(DebugSide.Mode1),5:F2}×  mode 2 {measured.CpuRatio(DebugSide.Mode2),5:F2}× (without pauses)  ({clock.Elapsed:mm\\:ss})");
                    }
                }

                long windowEnd = Stopwatch.GetTimestamp();
                double validatorMs = (sides[(int)DebugSide.Mode2].ValidatorCpu() - validatorStart) / 1e6;
                (int sweeps, double paused) = sides[(int)DebugSide.Mode2].Pauses.Between(windowStart, windowEnd);
                pauses = pauses.Add(sweeps, paused, validatorMs, Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalMilliseconds);
                Console.WriteLine($"debug-gate: launch {launch}: mode 2 was swept {sweeps} times while measuring, stopped {paused:F1} ms in all (logged); its validator used {validatorMs:F0} ms of CPU");

                foreach (SideProcess side in sides)
                {
                    side.Quit();
                }
            }
            finally
            {
                foreach (SideProcess? side in sides)
                {
                    side?.Dispose();
                }
            }
        }

        File.WriteAllText(Path.Combine(settings.ArtifactsDirectory, settings.ResultName + ".iterations.csv"), csv.ToString());
        if (pauses.Sweeps == 0)
        {
            throw new GateSetupException($"the mode-2 process logged no sweep in {pauses.WindowMs / 1000:F1} s of measuring (validator_interval_ms=1000): its validator is not sweeping, so mode 2 was not measured");
        }

        results.ForEach(r => r.PausedShare = pauses.Share);
        return (results, proofs.ToList(), pauses);
    }

    // Invocations of the pair that make one unguarded iteration about the target length: the fastest of five single
    // invocations, after the side process's warm-up.
    private static int Calibrate(SideProcess unguarded, int pair, int milliseconds)
    {
        long best = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            best = Math.Min(best, unguarded.Run(pair, 1).WallNs);
        }

        return (int)Math.Clamp(milliseconds * 1_000_000L / Math.Max(1, best), 1, 1_000_000);
    }
}
