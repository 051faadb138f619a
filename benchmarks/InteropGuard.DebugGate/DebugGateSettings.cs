// DebugGateSettings.cs - the Debug gate's two forms (full: `dotnet cake --target=DebugGate`; short: `--short=true`, what
// .ci/run runs) as launches, rounds and iterations, plus the paths; parsed from the command line at start.
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
/// <param name="IterationsPerSide">Iterations of each side per pair and round, a multiple of 6 (the side order of an
/// iteration cycles through the six permutations of the three sides).</param>
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
        bool isShort = false;
        int? rounds = null;
        int? launches = null;
        int? iterations = null;
        DebugSide? side = null;
        var only = new List<string>();
        string budget = Path.Combine(repositoryRoot, "benchmarks", "debug-gate.budget.json");
        string? output = null;
        string artifacts = Path.Combine(repositoryRoot, "artifacts", "debug-gate");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short":
                    isShort = true;
                    break;
                case "--rounds":
                    rounds = Number(args, ref i);
                    break;
                case "--launches":
                    launches = Number(args, ref i);
                    break;
                case "--iterations":
                    iterations = Number(args, ref i);
                    break;
                case "--pair":
                    only.Add(Value(args, ref i));
                    break;
                case "--side":
                    string key = Value(args, ref i);
                    side = DebugSides.Parse(key) ?? throw new GateSetupException($"--side {key}: valid values are unguarded, mode1, mode2");
                    break;
                case "--budget":
                    budget = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--out":
                    output = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--artifacts":
                    artifacts = Path.GetFullPath(Value(args, ref i));
                    break;
                default:
                    throw new GateSetupException($"unknown argument '{args[i]}' (valid: --short, --pair NAME, --launches N, --rounds N (per launch), --iterations N (multiple of 6), --budget FILE, --out DIR, --artifacts DIR)");
            }
        }

        // Full results are the repository's record (benchmarks/results); short runs (CI) and some-pair runs stay in artifacts.
        output ??= isShort || only.Count > 0 ? artifacts : Path.Combine(repositoryRoot, "benchmarks", "results");

        // Iterations of ~10 ms, the three sides' iterations next to each other: the machine's speed and the other jobs
        // on it change over tens of ms to seconds, so each side sees nearly the same machine. A pair's verdict is its
        // total time over every iteration of every round (see DebugGateRunner); the forms differ in how much time that
        // total covers (a mode-2 sweep lands in a mode-2 iteration about once per second of its measured time).
        DebugGateSettings settings = isShort
            ? new DebugGateSettings(true, launches ?? 1, rounds ?? 4, iterations ?? 12, IterationMilliseconds: 10, budget, output, artifacts)
            : new DebugGateSettings(false, launches ?? 3, rounds ?? 5, iterations ?? 18, IterationMilliseconds: 10, budget, output, artifacts);
        if (settings.IterationsPerSide % 6 != 0)
        {
            throw new GateSetupException($"--iterations {settings.IterationsPerSide}: a multiple of 6 (every order of the three sides equally often)");
        }

        return settings with { ChildSide = side, OnlyPairs = only };
    }

    private static int Number(string[] args, ref int i)
    {
        string text = Value(args, ref i);
        return int.TryParse(text, out int n) && n >= 1 ? n : throw new GateSetupException($"{args[i - 1]} {text}: a number >= 1");
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new GateSetupException($"{args[i - 1]} needs a value");
}
