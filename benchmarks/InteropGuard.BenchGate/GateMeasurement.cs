// GateMeasurement.cs - measures one pair with BenchmarkDotNet's in-process toolchain (this process is already in release
// mode; no project is generated or built): one run whose iterations alternate baseline and guarded in pairs, and the
// round's overhead from them; runs once per pair and round.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Validators;

namespace InteropGuard.BenchGate;

/// <summary>One pair's numbers from one run.</summary>
/// <param name="BaselineNs">Median of the baseline's iterations, ns per operation.</param>
/// <param name="GuardedNs">Median of the guarded side's iterations, ns per operation.</param>
/// <param name="Overhead">Median over groups of four neighbouring iterations (two pairs, one of each order) of the mean
/// of their pairs' guarded − baseline, in the pair's unit.</param>
internal readonly record struct PairMeasurement(double BaselineNs, double GuardedNs, double Overhead);

/// <summary>One BenchmarkDotNet run per pair and round. In-process, because the mode is fixed per process and both
/// sides must see the same one, and because a generated project per run would cost a build (minutes on two cores).
/// The sides alternate iteration by iteration within the run (pairs of one baseline and one guarded iteration, the
/// order flipping from pair to pair, see <see cref="GateAlternation"/>), so both see the same machine load: on a shared
/// machine the load moves a side's time by 5–30 % between separate runs, far more than the 1 % the gate must resolve.
/// Iterations are short (~2 ms): on this machine the speed of the whole VM switches between two levels about 2× apart
/// every 50–150 ms, so 25 ms iterations often put the two iterations of a pair on different levels (pair differences
/// with a standard deviation of 12–17 %); at 2 ms nearly every pair runs on one level (~5 %). The invocation count per
/// iteration is fixed (calibrated once per pair), so both sides run the same number of invocations per iteration and
/// BenchmarkDotNet skips its pilot.
/// BenchmarkDotNet's log goes to a file in the artifacts directory, not the console; every measured pair of iterations
/// goes to an <c>.iterations.csv</c> beside it (round, pair, position, which side ran first, copy, both times in ns per
/// operation), for looking at the noise behind a verdict.</summary>
internal sealed class GateMeasurement : IDisposable
{
    private readonly GateSettings _settings;
    private readonly StreamWriter _log;
    private readonly string _logPath;
    private readonly StreamWriter _iterations;
    private readonly Dictionary<Type, long> _invocations = [];

    public GateMeasurement(GateSettings settings)
    {
        _settings = settings;
        Directory.CreateDirectory(settings.ArtifactsDirectory);
        string launch = settings.ChildOutput is null ? "" : $".from-round{settings.FirstRound}";
        _logPath = Path.Combine(settings.ArtifactsDirectory, $"{settings.ResultName}{launch}.bdn.log");
        _log = new StreamWriter(_logPath) { AutoFlush = true };
        _iterations = new StreamWriter(Path.Combine(settings.ArtifactsDirectory, $"{settings.ResultName}{launch}.iterations.csv"));
        _iterations.WriteLine("round,pair,iteration_pair,first_side,copy,baseline_ns,guarded_ns");
    }

    /// <summary>Measures <paramref name="pair"/> once: the median of each side's actual BenchmarkDotNet iterations, in ns
    /// per operation, and the median over groups of two neighbouring pairs of iterations (one pair of each order) of
    /// their mean overhead.</summary>
    public PairMeasurement Measure(GatePair pair, int round, bool guardedFirst)
    {
        long invocations = _invocations.TryGetValue(pair.Benchmarks, out long known)
            ? known
            : throw new InvalidOperationException($"{pair.Name}: Prepare was not called");
        Job job = Job.Default
            .WithToolchain(InProcessEmitToolchain.DontLogOutput)
            .WithLaunchCount(1)
            .WithInvocationCount((int)invocations)
            .WithUnrollFactor(1)
            .WithWarmupCount(2 * _settings.WarmupPerSide)
            .WithIterationCount(2 * _settings.IterationsPerSide)
            .WithEvaluateOverhead(false) // the same empty-call overhead would be subtracted from both sides
            .WithGcForce(false) // no side allocates managed memory per invocation; a full GC before every 2 ms iteration only costs time
            .WithId(_settings.Short ? "gate-short" : "gate");
        if (_settings.CpuClock)
        {
            job = job.WithClock(ThreadCpuClock.Instance);
        }

        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(new StreamLogger(_log))
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddValidator(JitOptimizationsValidator.FailOnError)
            .AddFilter(new SimpleFilter(c => c.Descriptor.WorkloadMethod.Name == GatePair.AlternatingMethod))
            .WithArtifactsPath(_settings.ArtifactsDirectory)
            .WithOptions(ConfigOptions.DisableLogFile);

        // BenchmarkDotNet runs one jitting iteration and the warm-ups before the actual iterations (checked below).
        int lead = 1 + 2 * _settings.WarmupPerSide;
        GateAlternation.Start(guardedFirst, _settings.Control, lead);
        Summary summary = BenchmarkRunner.Run(pair.Benchmarks, config);
        BenchmarkReport? report = summary.Reports.SingleOrDefault();
        if (summary.HasCriticalValidationErrors || report is null || !report.Success)
        {
            throw new GateSetupException($"BenchmarkDotNet could not measure {pair.Benchmarks.Name}.{GatePair.AlternatingMethod}; see {_logPath}");
        }

        // The n-th workload iteration ran after the n-th [IterationSetup], which recorded its side (Result entries are
        // BenchmarkDotNet's post-processed copies of Actual ones, not iterations).
        Measurement[] workload = report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage != IterationStage.Result).ToArray();
        IReadOnlyList<bool> sides = GateAlternation.Sides;
        if (workload.Length != sides.Count)
        {
            throw new GateSetupException($"{pair.Name}: BenchmarkDotNet ran {workload.Length} workload iterations but [IterationSetup] ran {sides.Count} " +
                "times, so the sides of the iterations are unknown (did BenchmarkDotNet change how it calls IterationSetup?)");
        }

        int beforeActual = workload.TakeWhile(m => m.IterationStage != IterationStage.Actual).Count();
        if (beforeActual != lead)
        {
            throw new GateSetupException($"{pair.Name}: BenchmarkDotNet ran {beforeActual} " +
                $"iterations before the actual ones, not {lead}, so the pairs of sides do not line up with the actual iterations");
        }

        // Consecutive actual iterations are one baseline and one guarded, run within milliseconds of each other.
        Measurement[] actual = workload.Where(m => m.IterationStage == IterationStage.Actual).ToArray();
        bool[] actualSides = workload.Select((m, i) => (m, i)).Where(x => x.m.IterationStage == IterationStage.Actual).Select(x => sides[x.i]).ToArray();
        var baseline = new List<double>();
        var guarded = new List<double>();
        var paired = new List<double>();
        for (int i = 0; i + 1 < actual.Length; i += 2)
        {
            if (actualSides[i] == actualSides[i + 1])
            {
                throw new GateSetupException($"{pair.Name}: actual iterations {i + 1} and {i + 2} measured the same side; the alternation broke");
            }

            double first = actual[i].Nanoseconds / actual[i].Operations;
            double second = actual[i + 1].Nanoseconds / actual[i + 1].Operations;
            (double b, double g) = actualSides[i] ? (second, first) : (first, second);
            baseline.Add(b);
            guarded.Add(g);
            _iterations.WriteLine(FormattableString.Invariant(
                $"{round},{pair.Name},{i / 2},{(actualSides[i] ? "guarded" : "baseline")},{(i / 2) % GateCopies.Count},{b:F3},{g:F3}"));
            paired.Add(pair.Overhead(b, g));
        }

        if (baseline.Count != _settings.IterationsPerSide || paired.Count % 2 != 0)
        {
            throw new GateSetupException($"{pair.Name}: expected {_settings.IterationsPerSide} actual iterations per side (an even number), got {baseline.Count}");
        }

        // Neighbouring pairs ran in opposite orders (GateAlternation): their mean cancels the position within a pair.
        var quads = new List<double>();
        for (int i = 0; i < paired.Count; i += 2)
        {
            if (actualSides[2 * i] == actualSides[2 * i + 2])
            {
                throw new GateSetupException($"{pair.Name}: iteration pairs {i + 1} and {i + 2} started with the same side; the order no longer flips");
            }

            quads.Add((paired[i] + paired[i + 1]) / 2);
        }

        return new PairMeasurement(PairResult.Median(baseline), PairResult.Median(guarded), PairResult.Median(quads));
    }

    public void Dispose()
    {
        _log.Dispose();
        _iterations.Dispose();
    }

    /// <summary>Runs every side of every pair directly, in three passes with pauses between, and fixes each pair's
    /// invocations per iteration (from the baseline's time in the last pass). Before it, <c>Guarded()</c> has never run:
    /// its code would still be the unoptimized first tier during the first runs (each BenchmarkDotNet run emits new
    /// code, and the runtime holds back tier-up while new code keeps appearing), and the gate would measure the JIT.
    /// <paramref name="placement"/> shifts the code heap before the first pass and before every side's run, and orders
    /// the sides at random in every pass, so each process lays the sides' code out differently.</summary>
    public void Prepare(IReadOnlyList<GatePair> pairs, CodePlacement placement)
    {
        placement.Shift(maxLarge: 64);
        for (int pass = 1; pass <= 3; pass++)
        {
            foreach (GatePair pair in pairs)
            {
                object instance = Activator.CreateInstance(pair.Benchmarks)!;
                Invoke<GlobalSetupAttribute>(instance);
                // Every copy of every side (GateCopies), in a random order with random distances between them.
                GateSide[] sides = Enum.GetValues<GateSide>();
                double baselineMs = 0;
                foreach (int side in placement.Order(sides.Length))
                {
                    foreach (int copy in placement.Order(GateCopies.Count))
                    {
                        placement.Shift(maxLarge: 4);
                        double ms = RunFor(instance, GateCopies.Method(pair.Benchmarks, GatePair.MethodOf(sides[side]), copy));
                        baselineMs += sides[side] == GateSide.Baseline ? ms / GateCopies.Count : 0;
                    }
                }

                MethodInfo nextSide = pair.Benchmarks.GetMethod(GatePair.NextSideMethod)!;
                MethodInfo alternating = pair.Benchmarks.GetMethod(GatePair.AlternatingMethod)!;
                GateAlternation.Start(guardedFirst: false, _settings.Control);
                for (int i = 0; i < 64; i++)
                {
                    nextSide.Invoke(instance, null);
                    alternating.Invoke(instance, null);
                }

                Invoke<GlobalCleanupAttribute>(instance);
                _invocations[pair.Benchmarks] = Math.Clamp((long)Math.Round(_settings.IterationMilliseconds / baselineMs), 1, int.MaxValue);
            }

            Thread.Sleep(300); // lets the runtime's background tier-up compile what the pass made hot
        }
    }

    // Runs the method at least 32 times (the runtime promotes a method after 30 calls) and for at least 4 ms of wall
    // time; returns ms per invocation.
    private static double RunFor(object instance, MethodInfo method)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (count < 32 || clock.Elapsed.TotalMilliseconds < 4)
        {
            method.Invoke(instance, null);
            count++;
        }

        return clock.Elapsed.TotalMilliseconds / count;
    }

    private static void Invoke<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (MethodInfo method in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
