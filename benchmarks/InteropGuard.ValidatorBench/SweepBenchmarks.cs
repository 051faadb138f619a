// SweepBenchmarks.cs: BenchmarkDotNet cases: one warm sweep of a target of each shape (wall time of Sweep, which contains the pause).
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using InteropGuard.Validator;

namespace InteropGuard.ValidatorBench;

/// <summary>Sweep cost per load shape. The target runs as a child process for the whole run of a case.</summary>
[SimpleJob(BenchmarkDotNet.Engines.RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class SweepBenchmarks
{
    private LoadTarget? _target;
    private Sweeper? _sweeper;

    /// <summary>The shapes of <see cref="PauseTable.Shapes"/>.</summary>
    public static IEnumerable<LoadShape> ShapeSource() => PauseTable.Shapes;

    /// <summary>The shape under test.</summary>
    [ParamsSource(nameof(ShapeSource))]
    public LoadShape Shape { get; set; } = PauseTable.Shapes[0];

    /// <summary>Starts the target and opens the sweeper.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _target = LoadTarget.Start(Shape);
        _sweeper = Sweeper.Open(_target.Pid, _target.Table);
    }

    /// <summary>One sweep: stop, check, resume.</summary>
    [Benchmark]
    public double Sweep() => _sweeper!.Sweep(SweepReason.Timer).PauseMs;

    /// <summary>Ends the target.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _sweeper?.Dispose();
        _target?.Dispose();
    }
}
