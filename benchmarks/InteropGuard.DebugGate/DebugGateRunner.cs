// DebugGateRunner.cs - the Debug gate's measuring loop: per launch, one process per side (unguarded, mode 1, mode 2 and,
// where gcc's ASan runtime is there and passes its self-test, asan), the iteration count of each pair calibrated on the
// unguarded side, one round that is not counted, then rounds in which the sides' iterations of a pair follow each other
// in balanced orders.
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
    /// <summary>Runs the gate; returns the results per pair, the side processes' self-test accounts, the mode-2
    /// process's sweeps while measuring, and why the asan side did not run (empty when it ran in every launch).
    /// <paramref name="asan"/> is the ASan runtime (null: <paramref name="asanMissing"/> says why there is none).</summary>
    public static (IReadOnlyList<DebugPairResult> Results, IReadOnlyList<string> Proofs, PauseSummary Pauses, string AsanMissing) Measure(
        DebugGateSettings settings, IReadOnlyList<DebugPair> pairs, DebugBudget budget, string validator, AsanRuntime? asan, string asanMissing)
    {
        List<DebugPairResult> results = pairs.Select(p => new DebugPairResult(p, budget.For(p))).ToList();
        var proofs = new SortedSet<string>();
        Directory.CreateDirectory(settings.ArtifactsDirectory);
        var csv = new StringBuilder("launch,round,pair,iteration,side,invocations,wall_ns,process_cpu_ns\n");
        var clock = Stopwatch.StartNew();
        var pauses = new PauseSummary(0, 0, 0, 0);
        for (int launch = 1; launch <= settings.Launches; launch++)
        {
            Console.WriteLine($"debug-gate: launch {launch}/{settings.Launches}: starting the unguarded, mode-1, mode-2{(asan is null ? "" : " and asan")} processes");
            var sides = new SideProcess?[DebugSides.All.Count];
            try
            {
                foreach (DebugSide side in DebugSides.All.Where(s => s != DebugSide.Asan))
                {
                    sides[(int)side] = SideProcess.Start(side, settings, validator, asan);
                    proofs.Add($"{side.Key()}: {sides[(int)side]!.Proof}");
                }

                if (asan is not null)
                {
                    try
                    {
                        sides[(int)DebugSide.Asan] = SideProcess.Start(DebugSide.Asan, settings, validator, asan);
                        proofs.Add($"asan: {sides[(int)DebugSide.Asan]!.Proof}");
                    }
                    catch (GateSetupException e)
                    {
                        // Said once; the later launches run without it, and an anchored pair is judged by its plain budget.
                        asanMissing = $"the asan side failed to start in launch {launch}: {e.Message}";
                        Console.Error.WriteLine($"debug-gate: WARNING: {asanMissing}; an anchored pair is judged against its plain budget");
                        asan = null;
                    }
                }

                DebugSide[] present = DebugSides.All.Where(s => sides[(int)s] is not null).ToArray();
                IReadOnlyList<IReadOnlyList<DebugSide>> orders = SideOrders.For(present);
                if (settings.IterationsPerSide % orders.Count != 0)
                {
                    throw new GateSetupException($"--iterations {settings.IterationsPerSide}: not a multiple of the {orders.Count} orders of {present.Length} sides");
                }

                int[] invocations = pairs.Select((p, i) => Calibrate(sides[(int)DebugSide.Unguarded]!, i, settings.IterationMilliseconds)).ToArray();
                SideProcess mode2 = sides[(int)DebugSide.Mode2]!;

                // One round of every pair and side that is not counted: what a process pays once while its allocator
                // grows to the whole program's working set (ASan's most: its first counted round of a launch read well
                // above its later ones, benchmarks/results/2026-12-06-churn-anchor.md) is not charged to the first round.
                for (int p = 0; p < pairs.Count; p++)
                {
                    for (int k = 0; k < settings.IterationsPerSide; k++)
                    {
                        foreach (DebugSide side in orders[k % orders.Count])
                        {
                            sides[(int)side]!.Run(p, invocations[p]);
                        }
                    }
                }

                long validatorStart = mode2.ValidatorCpu();
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
                            foreach (DebugSide side in orders[(k + round) % orders.Count])
                            {
                                (long w, long c) = sides[(int)side]!.Run(p, invocations[p]);
                                wall[(int)side] += w;
                                cpu[(int)side] += c;
                                csv.Append(FormattableString.Invariant($"{launch},{round},{pairs[p].Name},{k},{side.Key()},{invocations[p]},{w},{c}\n"));
                            }
                        }

                        var measured = new DebugRound(round, (long)invocations[p] * settings.IterationsPerSide, wall, cpu);
                        results[p].Rounds.Add(measured);
                        Console.WriteLine($"debug-gate: round {round}/{settings.Rounds} {pairs[p].Name,-24} unguarded {DebugGateResults.Time((double)wall[0] / measured.Invocations),10}  " +
                            $"CPU: mode 1 {measured.CpuRatio(DebugSide.Mode1),5:F2}×  mode 2 {measured.CpuRatio(DebugSide.Mode2),5:F2}× (without pauses)" +
                            (cpu[(int)DebugSide.Asan] > 0 ? $"  asan {measured.CpuRatio(DebugSide.Asan),5:F2}×" : "") + $"  ({clock.Elapsed:mm\\:ss})");
                    }
                }

                long windowEnd = Stopwatch.GetTimestamp();
                double validatorMs = (mode2.ValidatorCpu() - validatorStart) / 1e6;
                (int sweeps, double paused) = mode2.Pauses.Between(windowStart, windowEnd);
                pauses = pauses.Add(sweeps, paused, validatorMs, Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalMilliseconds);
                Console.WriteLine($"debug-gate: launch {launch}: mode 2 was swept {sweeps} times while measuring, stopped {paused:F1} ms in all (logged); its validator used {validatorMs:F0} ms of CPU");

                foreach (SideProcess? side in sides)
                {
                    side?.Quit();
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
        return (results, proofs.ToList(), pauses, asanMissing);
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
