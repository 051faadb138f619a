// GateSettings.cs - the gate's two forms (full: `dotnet cake --target=BenchGate`; short: `--short=true`, what .ci/run
// runs) as rounds and BenchmarkDotNet job sizes, plus the paths; parsed from the command line at start.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace InteropGuard.BenchGate;

/// <summary>How long and where the gate measures.</summary>
/// <param name="Short">The short form (CI): fewer rounds, shorter iterations.</param>
/// <param name="Launches">Processes the rounds are spread over (code placement differs per process and shifts a pair
/// by up to ~1.5 %, which rounds within one process cannot average out).</param>
/// <param name="RoundsPerLaunch">Rounds per process; each measures every pair once (one BenchmarkDotNet run, the sides
/// alternating).</param>
/// <param name="WarmupPerSide">BenchmarkDotNet warm-up iterations per side and run.</param>
/// <param name="IterationsPerSide">BenchmarkDotNet measured iterations per side and run, an even number (pairs of
/// iterations are taken two at a time, one of each order; the side's median is taken over them).</param>
/// <param name="IterationMilliseconds">Target time of one iteration (of the baseline; the invocation count is fixed per pair).</param>
/// <param name="BudgetPath">The budget file.</param>
/// <param name="OutputDirectory">Where bench-gate.md/.json (full) or bench-gate-short.md/.json (short) go.</param>
/// <param name="ArtifactsDirectory">BenchmarkDotNet's artifacts and log.</param>
/// <param name="Control">An A/A' run (<c>--control</c>): the release side runs <c>Twin()</c>, a copy of the baseline in its own method; results go to artifacts only.</param>
/// <param name="CpuClock">True (default): BenchmarkDotNet times with the thread's CPU time (<see cref="ThreadCpuClock"/>);
/// false (<c>--clock wall</c>): with its default wall clock.</param>
internal sealed record GateSettings(bool Short, int Launches, int RoundsPerLaunch, int WarmupPerSide, int IterationsPerSide, int IterationMilliseconds,
    string BudgetPath, string OutputDirectory, string ArtifactsDirectory, bool CpuClock, bool Control = false)
{
    /// <summary>All rounds: <see cref="Launches"/> × <see cref="RoundsPerLaunch"/>.</summary>
    public int Rounds => Launches * RoundsPerLaunch;

    /// <summary>Child process only (<c>--child FILE</c>): where it writes its rounds; null in the gate's own process.</summary>
    public string? ChildOutput { get; init; }

    /// <summary>Child process only: the number of its first round (rounds are numbered over all launches).</summary>
    public int FirstRound { get; init; } = 1;

    /// <summary>The seed of the code layout (<c>--placement-seed N</c>, see <see cref="CodePlacement"/>), to repeat one
    /// process's layout; null = a new random one in every process (the gate). Given to every child.</summary>
    public int? PlacementSeed { get; init; }

    /// <summary>The pairs named with <c>--pair NAME</c> (repeatable), for a quick look at one workload while working on
    /// it; empty = every pair (the gate). A run of some pairs is never the gate's verdict: its results go to the
    /// artifacts directory.</summary>
    public IReadOnlyList<string> OnlyPairs { get; init; } = [];

    /// <summary>The pairs this run measures: <paramref name="all"/>, or those named by <see cref="OnlyPairs"/>.</summary>
    /// <param name="all">The gate's fixed set.</param>
    public IReadOnlyList<GatePair> Select(IReadOnlyList<GatePair> all)
    {
        if (OnlyPairs.Count == 0)
        {
            return all;
        }

        foreach (string name in OnlyPairs)
        {
            if (!all.Any(p => p.Name == name))
            {
                throw new GateSetupException($"--pair {name}: no such pair (pairs: {string.Join(", ", all.Select(p => p.Name))})");
            }
        }

        return all.Where(p => OnlyPairs.Contains(p.Name)).ToList();
    }

    /// <summary>The arguments that make a child process measure rounds <paramref name="firstRound"/>… into
    /// <paramref name="output"/> with these settings.</summary>
    public string ChildArguments(string output, int firstRound) =>
        $"{(Short ? "--short " : "")}{(Control ? "--control " : "")}--clock {(CpuClock ? "cpu" : "wall")} --launches 1 " +
        $"--rounds {RoundsPerLaunch}{(PlacementSeed is int seed ? $" --placement-seed {seed}" : "")}{string.Concat(OnlyPairs.Select(p => $" --pair {p}"))} --budget \"{BudgetPath}\" --artifacts \"{ArtifactsDirectory}\" --child \"{output}\" --first-round {firstRound}";

    /// <summary>Results file name without extension.</summary>
    public string ResultName => "bench-gate" + (Control ? "-control" : "") + (OnlyPairs.Count > 0 ? "-some" : "") + (Short ? "-short" : "");

    /// <summary>The clock's name for the results.</summary>
    public string ClockName => CpuClock ? "thread CPU time" : "wall clock";

    /// <summary>Reads <c>--short</c>, <c>--control</c>, <c>--pair NAME</c>, <c>--launches N</c>, <c>--rounds N</c> (per launch), <c>--clock cpu|wall</c>, <c>--placement-seed N</c>, <c>--budget FILE</c>, <c>--out DIR</c>, <c>--artifacts DIR</c>;
    /// paths default to the repository layout relative to <paramref name="repositoryRoot"/>.</summary>
    public static GateSettings Parse(string[] args, string repositoryRoot)
    {
        bool cpuClock = true;
        bool control = false;
        string? child = null;
        int firstRound = 1;
        int? placementSeed = null;
        bool ReadOwn(string option, Func<string> value)
        {
            switch (option)
            {
                case "--child":
                    child = Path.GetFullPath(value());
                    return true;
                case "--first-round":
                    firstRound = int.Parse(value());
                    return true;
                case "--control":
                    control = true;
                    return true;
                case "--placement-seed":
                    placementSeed = int.Parse(value());
                    return true;
                case "--clock":
                    string clock = value();
                    cpuClock = clock switch
                    {
                        "cpu" => true,
                        "wall" => false,
                        _ => throw new GateSetupException($"--clock {clock}: valid values are cpu (the default) and wall"),
                    };
                    return true;
                default:
                    return false;
            }
        }

        GateArguments read = GateArguments.Parse(args, repositoryRoot, "bench-gate", ReadOwn, "--control, --clock cpu|wall, --placement-seed N");
        bool isShort = read.Short;
        string budget = read.BudgetPath;
        string artifacts = read.ArtifactsDirectory;

        // Full results are the repository's record (benchmarks/results); short, control and some-pair runs stay in artifacts.
        string output = read.OutputOr(isShort || control, repositoryRoot);

        // Load on a shared machine moves a side's time by 5–30 % between runs and by several percent between iterations,
        // so the sides alternate per ~2 ms iteration and the time goes into many rounds: rounds differ by more than their
        // iterations' noise explains (each round is a new BenchmarkDotNet run, its harness compiled anew, on a machine
        // whose state moved), so the rounds, not the iterations within one, are what the median must average over. Measured here (2 cores) with the same code
        // on both sides (--control): rounds spread with a standard deviation of 0.5–0.8 %, so the median of 48 rounds
        // is good to about ±0.15 %. The full form (8 processes × 6 rounds) takes about 7 minutes, the short one (3 × 4)
        // about 2.
        GateSettings settings = isShort
            ? new GateSettings(true, read.Launches ?? 3, read.Rounds ?? 4, WarmupPerSide: 2, IterationsPerSide: 50, IterationMilliseconds: 2, budget, output, artifacts, cpuClock)
            : new GateSettings(false, read.Launches ?? 8, read.Rounds ?? 6, WarmupPerSide: 3, IterationsPerSide: 100, IterationMilliseconds: 2, budget, output, artifacts, cpuClock);
        settings = settings with { Control = control, ChildOutput = child, FirstRound = firstRound, OnlyPairs = read.OnlyPairs, PlacementSeed = placementSeed };
        if (child is null && settings.Rounds < 3)
        {
            throw new GateSetupException($"{settings.Launches} launches × {settings.RoundsPerLaunch} rounds: the gate takes a median over at least 3 rounds");
        }

        return settings;
    }
}
