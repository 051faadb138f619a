// DebugGateSettings.cs - the Debug gate's two forms (full: `dotnet cake --target=DebugGate`; short: `--short=true`, what
// .ci/run runs) as launches, rounds and iterations, plus the paths; parsed from the command line at start.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>How long and where the gate measures.</summary>
/// <param name="Short">The short form (CI).</param>
/// <param name="Launches">Sets of side processes, one after the other (code placement and start-up state differ per
/// process).</param>
/// <param name="RoundsPerLaunch">Rounds per launch; a round measures every pair once.</param>
/// <param name="IterationsPerSide">Iterations of each side per pair and round, a multiple of
/// <see cref="SideOrders.IterationMultiple"/> (the side order of an iteration cycles through the balanced orders of the
/// sides: four for four sides, six for three).</param>
/// <param name="IterationMilliseconds">Target length of one iteration of the unguarded side (the invocation count per
/// pair is calibrated on it once per launch and used by every side).</param>
/// <param name="BudgetPath">The budget file.</param>
/// <param name="OutputDirectory">Where debug-gate.md/.json (full) or debug-gate-short.* (short) go.</param>
/// <param name="ArtifactsDirectory">Per-iteration data.</param>
internal sealed record DebugGateSettings(bool Short, int Launches, int RoundsPerLaunch, int IterationsPerSide, int IterationMilliseconds,
    string BudgetPath, string OutputDirectory, string ArtifactsDirectory)
{
    /// <summary>All rounds.</summary>
    public int Rounds => Launches * RoundsPerLaunch;

    /// <summary>A side process (<c>--side KEY</c>): the side it is; null in the gate's own process.</summary>
    public DebugSide? ChildSide { get; init; }

    /// <summary>The pairs named with <c>--pair NAME</c> (repeatable); empty = every pair (the gate). A run of some pairs
    /// is never the gate's verdict: its results go to the artifacts directory.</summary>
    public IReadOnlyList<string> OnlyPairs { get; init; } = [];

    /// <summary>The pairs this run measures.</summary>
    public IReadOnlyList<DebugPair> Select(IReadOnlyList<DebugPair> all)
    {
        foreach (string name in OnlyPairs)
        {
            if (!all.Any(p => p.Name == name))
            {
                throw new GateSetupException($"--pair {name}: no such pair (pairs: {string.Join(", ", all.Select(p => p.Name))})");
            }
        }

        return OnlyPairs.Count == 0 ? all : all.Where(p => OnlyPairs.Contains(p.Name)).ToList();
    }

    /// <summary>The arguments that start a side process of this run.</summary>
    public string ChildArguments(DebugSide side) =>
        $"--side {side.Key()}{string.Concat(OnlyPairs.Select(p => $" --pair {p}"))} --budget \"{BudgetPath}\"";

    /// <summary>Results file name without extension.</summary>
    public string ResultName => "debug-gate" + (OnlyPairs.Count > 0 ? "-some" : "") + (Short ? "-short" : "");

    /// <summary>Reads <c>--short</c>, <c>--pair NAME</c>, <c>--launches N</c>, <c>--rounds N</c> (per launch),
    /// <c>--iterations N</c>, <c>--budget FILE</c>, <c>--out DIR</c>, <c>--artifacts DIR</c>, <c>--side KEY</c> (side
    /// processes); paths default to the repository layout under <paramref name="repositoryRoot"/>.</summary>
    public static DebugGateSettings Parse(string[] args, string repositoryRoot)
    {
        int? iterations = null;
        DebugSide? side = null;
        bool ReadOwn(string option, Func<string> value)
        {
            switch (option)
            {
                case "--iterations":
                    iterations = GateArguments.Number(option, value());
                    return true;
                case "--side":
                    string key = value();
                    side = DebugSides.Parse(key) ?? throw new GateSetupException($"--side {key}: valid values are unguarded, mode1, mode2, asan");
                    return true;
                default:
                    return false;
            }
        }

        GateArguments read = GateArguments.Parse(args, repositoryRoot, "debug-gate", ReadOwn, $"--iterations N (multiple of {SideOrders.IterationMultiple})");
        string budget = read.BudgetPath;
        string artifacts = read.ArtifactsDirectory;

        // Full results are the repository's record (benchmarks/results); short runs (CI) and some-pair runs stay in artifacts.
        string output = read.OutputOr(read.Short, repositoryRoot);

        // Iterations of ~10 ms, the sides' iterations next to each other: the machine's speed and the other jobs
        // on it change over tens of ms to seconds, so each side sees nearly the same machine. A pair's verdict is its
        // total time over every iteration of every round (see DebugGateRunner); the forms differ in how much time that
        // total covers (a mode-2 sweep lands in a mode-2 iteration about once per second of its measured time).
        DebugGateSettings settings = read.Short
            ? new DebugGateSettings(true, read.Launches ?? 1, read.Rounds ?? 4, iterations ?? 12, IterationMilliseconds: 10, budget, output, artifacts)
            : new DebugGateSettings(false, read.Launches ?? 3, read.Rounds ?? 5, iterations ?? 24, IterationMilliseconds: 10, budget, output, artifacts);
        if (settings.IterationsPerSide % SideOrders.IterationMultiple != 0)
        {
            throw new GateSetupException($"--iterations {settings.IterationsPerSide}: a multiple of {SideOrders.IterationMultiple} (every balanced order of the sides equally often)");
        }

        return settings with { ChildSide = side, OnlyPairs = read.OnlyPairs };
    }
}
