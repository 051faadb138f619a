// CallPinCpuLoop.cs - `--call-pin-cpu`: the raw and the intercepted P/Invoke with a byte[] argument (InterceptBenchmarks'
// pair) in one process, rounds alternating, timed in thread CPU time: on a loaded machine wall time moves with the
// load, CPU time much less. Run with INTEROPGUARD=1 (the mode is read once per process).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace InteropGuard.Benchmarks;

/// <summary>Prints the median and minimum ns per call of each side and their difference, the call-scoped pin's cost.</summary>
internal static unsafe partial class CallPinCpuLoop
{
    public static int Run(int calls, int rounds)
    {
        byte[] array = new byte[16];
        array.AsSpan().Fill(1);
        ulong sink = 0;
        var raw = new List<double>();
        var guarded = new List<double>();
        for (int r = -2; r < rounds; r++) // two warm-up rounds reach Tier 1
        {
            double a = ThreadCpuClock.Ns();
            for (int i = 0; i < calls; i++)
            {
                sink += RawNative.SumArray(array, 16);
            }

            double b = ThreadCpuClock.Ns();
            for (int i = 0; i < calls; i++)
            {
                sink += GuardedNative.SumArray(array, 16);
            }

            double c = ThreadCpuClock.Ns();
            if (r >= 0)
            {
                raw.Add((b - a) / calls);
                guarded.Add((c - b) / calls);
            }
        }

        raw.Sort();
        guarded.Sort();
        var diffs = new List<double>();
        for (int i = 0; i < raw.Count; i++)
        {
            diffs.Add(guarded[i] - raw[i]);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode {Environment.GetEnvironmentVariable("INTEROPGUARD") ?? "(default)"}, {rounds} rounds x {calls} calls, thread CPU ns per call (checksum {sink % 10})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw P/Invoke (byte[])          median {raw[raw.Count / 2],7:F1}  min {raw[0],7:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"intercepted (byte[], call pin)  median {guarded[guarded.Count / 2],7:F1}  min {guarded[0],7:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"difference                      median {guarded[guarded.Count / 2] - raw[raw.Count / 2],7:F1}  min-min {guarded[0] - raw[0],7:F1}"));
        return 0;
    }
}
