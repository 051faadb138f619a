// Program.cs - entry point of the benchmarks: BenchmarkSwitcher over every case, plus --quick for short jobs.
using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace InteropGuard.Benchmarks;

internal static class Program
{
    /// <summary>
    /// Runs the selected benchmarks. <c>--quick</c> (ours) switches every job to BenchmarkDotNet's ShortRun;
    /// all other arguments go to BenchmarkSwitcher (<c>--filter '*Lookup*'</c>, <c>--list flat</c>, ...).
    /// </summary>
    private static int Main(string[] args)
    {
        BenchmarkJobs.Quick = args.Contains("--quick");
        string[] rest = args.Where(a => a != "--quick").ToArray();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
