// BenchmarkJobs.cs - the jobs every benchmark class runs under: the plain job, and the mode-0/mode-1 pair for
// the call-boundary cases (the mode is read once per process, so each mode is its own process and job).
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace InteropGuard.Benchmarks;

/// <summary>The job all cases start from: BenchmarkDotNet's default, or its short run with <c>--quick</c>.</summary>
internal static class BenchmarkJobs
{
    /// <summary>Set by <c>--quick</c> before any config is built.</summary>
    public static bool Quick { get; set; }

    public static Job Base => Quick ? Job.ShortRun : Job.Default;
}

/// <summary>One job; the interop mode does not matter to the case (allocator, lookup).</summary>
internal sealed class SingleJobConfig : ManualConfig
{
    public SingleJobConfig()
    {
        AddJob(BenchmarkJobs.Base.WithId(BenchmarkJobs.Quick ? "short" : "default"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error);
    }
}

/// <summary>Two jobs, <c>INTEROPGUARD=0</c> and <c>INTEROPGUARD=1</c>, each a separate process.</summary>
internal sealed class ModeJobsConfig : ManualConfig
{
    public ModeJobsConfig()
    {
        AddJob(BenchmarkJobs.Base.WithEnvironmentVariables(new EnvironmentVariable("INTEROPGUARD", "0")).WithId("mode0"));
        AddJob(BenchmarkJobs.Base.WithEnvironmentVariables(new EnvironmentVariable("INTEROPGUARD", "1")).WithId("mode1"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error);
    }
}

/// <summary>One job in release mode (<c>INTEROPGUARD=release</c>): the light check's own process.</summary>
internal sealed class ReleaseJobConfig : ManualConfig
{
    public ReleaseJobConfig()
    {
        AddJob(BenchmarkJobs.Base.WithEnvironmentVariables(new EnvironmentVariable("INTEROPGUARD", "release")).WithId("release"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error);
    }
}
