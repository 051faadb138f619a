// GateMeasurement.cs - measures one benchmark method with BenchmarkDotNet's in-process toolchain (this process is
// already in release mode; no project is generated or built) and returns the median time per operation.
using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Validators;
using Perfolizer.Horology;

namespace InteropGuard.BenchGate;

/// <summary>One BenchmarkDotNet run per call. In-process, because the mode is fixed per process and both sides of a pair
/// must see the same one, and because a generated project per run would cost a build (minutes on two cores).
/// BenchmarkDotNet's log goes to <c>bdn.log</c> in the artifacts directory, not the console.</summary>
internal sealed class GateMeasurement : IDisposable
{
    private readonly GateSettings _settings;
    private readonly StreamWriter _log;
    private readonly Job _job;

    public GateMeasurement(GateSettings settings)
    {
        _settings = settings;
        Directory.CreateDirectory(settings.ArtifactsDirectory);
        _log = new StreamWriter(Path.Combine(settings.ArtifactsDirectory, $"{settings.ResultName}.bdn.log")) { AutoFlush = true };
        Job job = Job.Default
            .WithToolchain(InProcessEmitToolchain.DontLogOutput)
            .WithLaunchCount(1)
            .WithWarmupCount(settings.WarmupCount)
            .WithIterationCount(settings.IterationCount)
            .WithIterationTime(TimeInterval.FromMilliseconds(settings.IterationMilliseconds))
            .WithEvaluateOverhead(false) // the same empty-call overhead would be subtracted from both sides
            .WithId(settings.Short ? "gate-short" : "gate");
        _job = settings.CpuClock ? job.WithClock(ThreadCpuClock.Instance) : job;
    }

    /// <summary>The median nanoseconds per operation of <paramref name="method"/> in <paramref name="benchmarks"/>.</summary>
    public double MedianNanoseconds(Type benchmarks, string method)
    {
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(_job)
            .AddLogger(new StreamLogger(_log))
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddValidator(JitOptimizationsValidator.FailOnError)
            .AddFilter(new SimpleFilter(c => c.Descriptor.WorkloadMethod.Name == method))
            .WithArtifactsPath(_settings.ArtifactsDirectory)
            .WithOptions(ConfigOptions.DisableLogFile);
        Summary summary = BenchmarkRunner.Run(benchmarks, config);
        BenchmarkReport? report = summary.Reports.SingleOrDefault();
        if (summary.HasCriticalValidationErrors || report is null || !report.Success || report.ResultStatistics is null)
        {
            throw new GateSetupException($"BenchmarkDotNet could not measure {benchmarks.Name}.{method}; see {Path.Combine(_settings.ArtifactsDirectory, _settings.ResultName + ".bdn.log")}");
        }

        return report.ResultStatistics.Median;
    }

    public void Dispose() => _log.Dispose();
}
