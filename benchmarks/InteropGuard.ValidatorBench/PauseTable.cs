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

    public static void Run(int sweeps)
    {
        Console.WriteLine("| shape | pause median ms | pause p90 ms | sweep wall median ms | bytes scanned | threads |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (LoadShape shape in Shapes)
        {
            using LoadTarget target = LoadTarget.Start(shape);
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
                $"| {shape} | {pauses[pauses.Count / 2]:F1} | {pauses[(int)(pauses.Count * 0.9)]:F1} | {walls[walls.Count / 2]:F1} | {last!.Bytes} | {last.Threads} |"));
        }
    }
}
