// PauseTable.cs: the plain measurement: for each load shape, warm sweeps of one target, alternately the way every stop worked before (ClrMD's suspended attach and a runtime per stop, every block scanned in the stop) and the validator's default, and the median/p90 of the pause they report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using InteropGuard.Validator;
using InteropGuard.Validator.Target;

namespace InteropGuard.ValidatorBench;

/// <summary>Prints a markdown table of pauses (ms) per shape: the figures docs/design/validator.md records. Each shape's
/// sweeps rotate (ABCD DCBA) between the ways of stopping, on the same target in the same run, each adding one thing to
/// the one before: "per-stop runtime" (ClrMD's suspended attach and a new runtime at every stop, InteropGuard's blocks
/// scanned inside the stop, the handles enumerated: what every sweep did before), "kept runtime" (the validator's own
/// thread stop, the runtime kept since Open), "+ blocks read running" (blocks read while the target runs, the stop
/// confirms), "+ handle slots" (retained pins confirmed by their pinned handle's slot: the validator's default). All
/// reuse unchanged threads' stack roots. Pause is wall time (the target is stopped); stop CPU is the sweeping thread's
/// CPU time while the target was stopped (the pause's work, which a loaded machine inflates far less), sweep CPU the
/// whole sweep's (with what runs before the stop).</summary>
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
        Console.WriteLine("| shape | stop | pause median ms | pause p90 ms | stop CPU median ms | sweep CPU median ms | threads walked / reused | bytes scanned | threads |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (int s = 0; s < Shapes.Count; s++)
        {
            if (only is not null && !only.Contains(s))
            {
                continue;
            }

            LoadShape shape = Shapes[s];
            using LoadTarget target = LoadTarget.Start(shape);
            using Sweeper sweeper = Sweeper.Open(target.Pid, target.Table);
            Side[] sides = Sides();
            SweepResult? last = null;
            for (int i = 0; i < sides.Length * (sweeps + 3); i++)
            {
                Side side = sides[Order(i, sides.Length)];
                side.Configure(sweeper);
                double cpu = ThreadCpuTime.NowMs();
                last = sweeper.Sweep(SweepReason.Timer);
                cpu = ThreadCpuTime.NowMs() - cpu;
                if (i >= 3 * sides.Length)
                {
                    side.Add(last, cpu); // the first sweeps warm the JIT and the DAC
                }
            }

            foreach (Side side in sides)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shape} | {side.Name} | {side.Median(side.Pauses):F1} | {side.P90(side.Pauses):F1} | {side.Median(side.StopCpu):F1} | {side.Median(side.Cpu):F1} | {side.Walked} / {side.Reused} | {last!.Bytes} | {last.Threads} |"));
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
        Console.WriteLine("| native heap | stop | pause median ms | pause p90 ms | stop CPU median ms | sweep CPU median ms | sweep wall median ms | native-heap bytes read | blocks |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int mb in HeapShapesMb)
        {
            using LoadTarget target = LoadTarget.Start("heap-load", mb, 100, 500);
            using Sweeper sweeper = Sweeper.Open(target.Pid, target.Table);
            Side[] sides = Sides();
            SweepResult? last = null;
            for (int i = 0; i < sides.Length * (sweeps + 3); i++)
            {
                Side side = sides[Order(i, sides.Length)];
                side.Configure(sweeper);
                double cpu = ThreadCpuTime.NowMs();
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                last = sweeper.Sweep(SweepReason.Timer);
                double wall = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                cpu = ThreadCpuTime.NowMs() - cpu;
                if (i >= 3 * sides.Length)
                {
                    side.Add(last, cpu); // the first sweeps warm the JIT and the DAC
                    side.Walls.Add(wall);
                }

                if (last.Findings.Count > 0)
                {
                    Console.WriteLine("  (unexpected findings: " + string.Join("; ", last.Findings.Select(f => f.Kind)) + ")");
                }
            }

            foreach (Side side in sides)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {mb} MiB in 64 KiB blocks, 100 pins, 500 MiB heap | {side.Name} | {side.Median(side.Pauses):F1} | {side.P90(side.Pauses):F1} | {side.Median(side.StopCpu):F1} | {side.Median(side.Cpu):F1} | {side.Median(side.Walls):F1} | {last!.NativeHeapBytes} | {last.NativeHeapBlocks} |"));
            }
        }
    }

    /// <summary>The side of sweep <paramref name="i"/>: rounds of one sweep per side, every other round reversed (ABC CBA),
    /// so no side always follows another.</summary>
    private static int Order(int i, int sides)
    {
        int round = i / sides, at = i % sides;
        return round % 2 == 0 ? at : sides - 1 - at;
    }

    private static Side[] Sides() =>
    [
        new("per-stop runtime", s => (s.KeepRuntime, s.PrescanBlocks, s.RememberHandleSlots) = (false, false, false)),
        new("kept runtime", s => (s.KeepRuntime, s.PrescanBlocks, s.RememberHandleSlots) = (true, false, false)),
        new("+ blocks read running", s => (s.KeepRuntime, s.PrescanBlocks, s.RememberHandleSlots) = (true, true, false)),
        new("+ handle slots (default)", s => (s.KeepRuntime, s.PrescanBlocks, s.RememberHandleSlots) = (true, true, true)),
    ];

    private sealed class Side(string name, Action<Sweeper> configure)
    {
        public string Name { get; } = name;

        public void Configure(Sweeper sweeper) => configure(sweeper);

        public List<double> Pauses { get; } = new();

        public List<double> Cpu { get; } = new();

        public List<double> Walls { get; } = new();

        public List<double> StopCpu { get; } = new();

        public long Walked { get; private set; }

        public long Reused { get; private set; }

        public void Add(SweepResult r, double cpuMs)
        {
            Pauses.Add(r.PauseMs);
            StopCpu.Add(r.StopCpuMs);
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
