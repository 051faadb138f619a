// DebugGateChild.cs - a side process of the Debug gate: proves its mode, builds and warms every workload, then runs
// iterations on the gate's command (one line on stdin each) and answers with their times (one line on stdout each).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>
/// The side process's loop. Protocol, one line each way per command: the process first writes <c>ready &lt;account&gt;</c>;
/// then for <c>run &lt;pair index&gt; &lt;invocations&gt;</c> it runs that many invocations of its side of the pair and
/// writes <c>ok &lt;wall ns&gt; &lt;process CPU ns&gt;</c> (CPU time of all the process's threads:
/// <c>CLOCK_PROCESS_CPUTIME_ID</c>); for <c>validator-cpu</c> it writes <c>ok &lt;ns&gt; 0</c>, the CPU time its
/// validator process has used (mode 2; 0 otherwise); for <c>quit</c> it frees the workloads, checks that no report came besides the
/// self-test's and (mode 2) that its validator is still running, writes <c>bye</c> and exits. A failure writes
/// <c>error &lt;message&gt;</c> and exits 2.
/// </summary>
internal static class DebugGateChild
{
    /// <summary>Runs the side process until <c>quit</c>; returns the exit code.</summary>
    public static int Run(DebugSide side, IReadOnlyList<DebugPair> pairs)
    {
        string proof = DebugModeProof.Run(side);
        bool unguarded = side.RunsUnguardedCode();
        List<DebugWorkload> workloads = pairs.Select(p => p.Create()).ToList();
        Warm(pairs, workloads, unguarded);
        Console.Out.WriteLine("ready " + proof);
        Console.Out.Flush();
        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            string[] words = line.Split(' ');
            if (words[0] == "quit")
            {
                workloads.ForEach(w => w.Dispose());
                long expected = unguarded ? 0 : 1;
                if (Guard.ReportCount != expected)
                {
                    throw new GateSetupException($"{side.Key()}: {Guard.ReportCount} reports while measuring, expected {expected} (the self-test's): a correct workload was reported (see stderr)");
                }

                if (side == DebugSide.Mode2 && DebugModeProof.ValidatorChild() is null)
                {
                    throw new GateSetupException("mode2: the validator stopped while the gate measured (see its warnings above)");
                }

                Console.Out.WriteLine("bye");
                Console.Out.Flush();
                return 0;
            }

            if (words[0] == "validator-cpu")
            {
                // Mode 2: CPU time its validator process has used so far (0 for the other sides).
                long validatorCpu = side == DebugSide.Mode2 && DebugModeProof.ValidatorChild() is int pid ? ValidatorCpu.Nanoseconds(pid) : 0;
                Console.Out.WriteLine(FormattableString.Invariant($"ok {validatorCpu} 0"));
                Console.Out.Flush();
                continue;
            }

            if (words.Length != 3 || words[0] != "run")
            {
                throw new GateSetupException($"side process: unknown command '{line}'");
            }

            DebugWorkload workload = workloads[int.Parse(words[1], CultureInfo.InvariantCulture)];
            int invocations = int.Parse(words[2], CultureInfo.InvariantCulture);
            long cpuStart = ProcessCpuClock.Nanoseconds();
            long wallStart = Stopwatch.GetTimestamp();
            workload.Run(unguarded, invocations);
            long wall = (long)Stopwatch.GetElapsedTime(wallStart).TotalNanoseconds;
            long cpu = ProcessCpuClock.Nanoseconds() - cpuStart;
            Console.Out.WriteLine(FormattableString.Invariant($"ok {wall} {cpu}"));
            Console.Out.Flush();
        }

        throw new GateSetupException("side process: the gate closed stdin without 'quit'");
    }

    // Tier-1 code before measuring: each side method is called well over the tiering threshold (and at least its pair's
    // WarmInvocations times), with pauses for the background compiler, three times over.
    private static void Warm(IReadOnlyList<DebugPair> pairs, List<DebugWorkload> workloads, bool unguarded)
    {
        for (int pass = 0; pass < 3; pass++)
        {
            for (int i = 0; i < workloads.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                int runs = 0;
                while (runs < pairs[i].WarmInvocations || clock.ElapsedMilliseconds < 100)
                {
                    workloads[i].Run(unguarded, 1);
                    runs++;
                }
            }

            Thread.Sleep(150);
        }
    }
}
