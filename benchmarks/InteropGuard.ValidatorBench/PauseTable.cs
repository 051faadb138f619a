// PauseTable.cs: the plain measurement: for each load shape, warm sweeps of one target, alternately walking every thread's stack and reusing unchanged threads' roots, and the median/p90 of the pause they report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using InteropGuard.Validator;

namespace InteropGuard.ValidatorBench;

/// <summary>Prints a markdown table of pauses (ms) per shape: the figures docs/design/validator.md records. Each shape's
/// sweeps alternate between the two ways of finding pinned stack roots, on the same target in the same run: every
/// thread walked at every stop ("walk all", what every sweep did before <c>StackRootCache</c>) and only the threads that
/// changed since the previous stop ("reuse", the validator's default). Pause is wall time (the target is stopped);
/// CPU is the sweeping thread's CPU time, which a loaded machine inflates far less.</summary>
internal static class PauseTable
{
    public static IReadOnlyList<LoadShape> Shapes { get; } =
    [
        new(0, 0, 0, 50, 0),
        new(0, 0, 0, 500, 0),
        new(1000, 16, 0, 50, 0),
        new(1000, 16, 100, 50, 0),
        new(1000, 16, 100, 500, 0),
        new(1000, 64, 100, 50, 0),
        new(1000, 16, 100, 500, 1),
        new(1000, 16, 100, 500, 16),
        new(1000, 16, 100, 500, 64),
    ];

    /// <summary>Measures <paramref name="sweeps"/> warm sweeps of each side of each shape, or only of the shapes whose
    /// indexes into <see cref="Shapes"/> <paramref name="only"/> lists (null = all).</summary>
    public static void Run(int sweeps, IReadOnlySet<int>? only = null)
    {
        Console.WriteLine("| shape | stack roots | pause median ms | pause p90 ms | CPU median ms | threads walked / reused | bytes scanned | threads |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (int s = 0; s < Shapes.Count; s++)
        {
            if (only is not null && !only.Contains(s))
            {
                continue;
            }

            LoadShape shape = Shapes[s];
            using LoadTarget target = LoadTarget.Start(shape);
            using Sweeper sweeper = Sweeper.Open(target.Pid, target.Table);
            var sides = new[] { new Side("walk all", false), new Side("reuse", true) };
            SweepResult? last = null;
            for (int i = 0; i < 2 * (sweeps + 3); i++)
            {
                // ABBA order, so neither side always follows the other
                Side side = sides[(i ^ (i >> 1)) & 1];
                sweeper.ReuseStackRoots = side.Reuse;
                double cpu = ThreadCpuTime.NowMs();
                last = sweeper.Sweep(SweepReason.Timer);
                cpu = ThreadCpuTime.NowMs() - cpu;
                if (i >= 6)
                {
                    side.Add(last, cpu); // the first sweeps warm the JIT and the DAC
                }
            }

            foreach (Side side in sides)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shape} | {side.Name} | {side.Median(side.Pauses):F1} | {side.P90(side.Pauses):F1} | {side.Median(side.Cpu):F1} | {side.Walked} / {side.Reused} | {last!.Bytes} | {last.Threads} |"));
            }
        }
    }

    /// <summary>Native-heap shapes (MiB a native library allocated and tracking registered, 100 retained pins, 500 MiB
    /// managed heap): the heap is read while the target runs, the pause confirms candidate words only.</summary>
    public static IReadOnlyList<int> HeapShapesMb { get; } = [0, 16, 256, 1024]; // 0: the fixed cost of a pause, same target

    /// <summary>The native-heap table: pause (stop to resume) against the sweep's wall time, which includes reading the
    /// native heap while the target runs.</summary>
    public static void RunHeap(int sweeps)
    {
        Console.WriteLine("| native heap | pause median ms | pause p90 ms | sweep wall median ms | native-heap bytes read | blocks |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int mb in HeapShapesMb)
        {
            using LoadTarget target = LoadTarget.Start("heap-load", mb, 100, 500);
            using Sweeper sweeper = Sweeper.Open(target.Pid, target.Table);
            var pauses = new List<double>();
            var walls = new List<double>();
            SweepResult? last = null;
            for (int i = 0; i < sweeps + 3; i++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                last = sweeper.Sweep(SweepReason.Timer);
                double wall = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= 3)
                {
                    pauses.Add(last.PauseMs); // the first sweeps warm the JIT and the DAC
                    walls.Add(wall);
                }
            }

            pauses.Sort();
            walls.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mb} MiB in 64 KiB blocks, 100 pins, 500 MiB heap | {pauses[pauses.Count / 2]:F1} | {pauses[(int)(pauses.Count * 0.9)]:F1} | {walls[walls.Count / 2]:F1} | {last!.NativeHeapBytes} | {last.NativeHeapBlocks} |"));
            if (last.Findings.Count > 0)
            {
                Console.WriteLine("  (unexpected findings: " + string.Join("; ", last.Findings.Select(f => f.Kind)) + ")");
            }
        }
    }

    private sealed class Side(string name, bool reuse)
    {
        public string Name { get; } = name;

        public bool Reuse { get; } = reuse;

        public List<double> Pauses { get; } = new();

        public List<double> Cpu { get; } = new();

        public long Walked { get; private set; }

        public long Reused { get; private set; }

        public void Add(SweepResult r, double cpuMs)
        {
            Pauses.Add(r.PauseMs);
            Cpu.Add(cpuMs);
            Walked = r.StackWalks; // of the last sweep
            Reused = r.StackReuses;
        }

        public double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }

        public double P90(List<double> values)
        {
            values.Sort();
            return values[(int)(values.Count * 0.9)];
        }
    }
}
