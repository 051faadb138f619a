// PauseTable.cs: the plain measurement: for each load shape, warm sweeps of one target and the median/p90 of the pause they report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using InteropGuard.Validator;

namespace InteropGuard.ValidatorBench;

/// <summary>Prints a markdown table of pauses (ms) per shape: the figures docs/design/validator.md records.</summary>
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

    /// <summary>Native-heap shapes (MiB a native library allocated and tracking registered, 100 retained pins, 500 MiB
    /// managed heap): the heap is read while the target runs, the pause confirms candidate words only.</summary>
    public static IReadOnlyList<int> HeapShapesMb { get; } = [0, 16, 256, 1024]; // 0: the fixed cost of a pause, same target

    public static void Run(int sweeps)
    {
        Console.WriteLine("| shape | pause median ms | pause p90 ms | sweep wall median ms | bytes scanned | threads |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (LoadShape shape in Shapes)
        {
            using LoadTarget target = LoadTarget.Start(shape);
            Measure(shape.ToString(), target, sweeps);
        }
    }

    /// <summary>The native-heap table: pause (stop to resume) against the sweep's wall time, which includes reading the
    /// native heap while the target runs.</summary>
    public static void RunHeap(int sweeps)
    {
        Console.WriteLine("| native heap | pause median ms | pause p90 ms | sweep wall median ms | native-heap bytes read | blocks |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int mb in HeapShapesMb)
        {
            using LoadTarget target = LoadTarget.Start("heap-load", mb, 100, 500);
            Measure(string.Create(CultureInfo.InvariantCulture, $"{mb} MiB in 64 KiB blocks, 100 pins, 500 MiB heap"), target, sweeps, heap: true);
        }
    }

    private static void Measure(string shape, LoadTarget target, int sweeps, bool heap = false)
    {
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
        Console.WriteLine(heap
            ? string.Create(CultureInfo.InvariantCulture,
                $"| {shape} | {pauses[pauses.Count / 2]:F1} | {pauses[(int)(pauses.Count * 0.9)]:F1} | {walls[walls.Count / 2]:F1} | {last!.NativeHeapBytes} | {last.NativeHeapBlocks} |")
            : string.Create(CultureInfo.InvariantCulture,
                $"| {shape} | {pauses[pauses.Count / 2]:F1} | {pauses[(int)(pauses.Count * 0.9)]:F1} | {walls[walls.Count / 2]:F1} | {last!.Bytes} | {last.Threads} |"));
        if (last.Findings.Count > 0)
        {
            Console.WriteLine("  (unexpected findings: " + string.Join("; ", last.Findings.Select(f => f.Kind)) + ")");
        }
    }
}
