// Program.cs: entry point of the validator benchmark: the pause table (default) or BenchmarkDotNet (--bdn).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;

namespace InteropGuard.ValidatorBench;

internal static class Program
{
    /// <summary><c>--sweeps N</c> (default 30) warm sweeps per shape for the pause table, <c>--shapes 4,6</c> only those
    /// shapes (indexes into <see cref="PauseTable.Shapes"/>); <c>--heap</c> the native-heap shapes (0, 16 MiB, 256 MiB,
    /// 1 GiB of tracked library heap) instead; <c>--bdn</c> runs the
    /// BenchmarkDotNet cases instead (other arguments go to BenchmarkSwitcher).</summary>
    private static int Main(string[] args)
    {
        if (args.Contains("--bdn"))
        {
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--bdn").ToArray());
            return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }

        int at = Array.IndexOf(args, "--sweeps");
        int sweeps = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int n) ? n : 30;
        if (args.Contains("--heap"))
        {
            PauseTable.RunHeap(sweeps); // native-heap shapes only
            return 0;
        }

        int shapesAt = Array.IndexOf(args, "--shapes");
        HashSet<int>? only = shapesAt >= 0 && shapesAt + 1 < args.Length
            ? args[shapesAt + 1].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToHashSet()
            : null;
        PauseTable.Run(sweeps, only);
        return 0;
    }
}
