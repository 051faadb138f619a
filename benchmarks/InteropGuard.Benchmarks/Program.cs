// Program.cs - entry point of the benchmarks: BenchmarkSwitcher over every case, plus --quick for short jobs and
// --lifetime-cpu for the lifetime objects' CPU-time loops.
using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace InteropGuard.Benchmarks;

internal static class Program
{
    /// <summary>
    /// Runs the selected benchmarks. <c>--quick</c> (ours) switches every job to BenchmarkDotNet's ShortRun;
    /// all other arguments go to BenchmarkSwitcher (<c>--filter '*Lookup*'</c>, <c>--list flat</c>, ...).
    /// <c>--call-pin-cpu [calls] [rounds]</c> runs <see cref="CallPinCpuLoop"/> instead; <c>--lifetime-cpu [ROUNDS [NAME]]</c>
    /// runs <see cref="LifetimeCpuLoops"/> (default 5 rounds; NAME: only the pairs whose name contains it);
    /// <c>--delegate-cpu [calls] [rounds] [pairs]</c> runs <see cref="DelegateArgCpuLoop"/> (<c>pairs</c>: without the steps).
    /// </summary>
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--call-pin-cpu")
        {
            return CallPinCpuLoop.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 9);
        }

        if (args.Length > 0 && args[0] == "--delegate-cpu")
        {
            return DelegateArgCpuLoop.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 9, args.Length > 3 && args[3] == "pairs");
        }

        if (args.Length > 0 && args[0] == "--lifetime-cpu")
        {
            return LifetimeCpuLoops.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5, args.Length > 2 ? args[2] : "");
        }

        BenchmarkJobs.Quick = args.Contains("--quick");
        string[] rest = args.Where(a => a != "--quick").ToArray();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
