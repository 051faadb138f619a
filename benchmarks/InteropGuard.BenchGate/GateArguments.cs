// GateArguments.cs - the command-line options both gates take (the form, rounds, launches, pairs, paths), read in one
// loop that hands every other option to the gate's own reader; the release and the Debug gate's settings build on it.
using System;
using System.Collections.Generic;
using System.IO;

namespace InteropGuard.BenchGate;

/// <summary>What a gate's command line said about the options every gate has; null where it said nothing.</summary>
internal sealed class GateArguments
{
    /// <summary>The options read here, for a gate's usage line.</summary>
    public const string Usage = "--short, --pair NAME, --launches N, --rounds N (per launch), --budget FILE, --out DIR, --artifacts DIR";

    /// <summary><c>--short</c>: the short form (what <c>.ci/run</c> runs).</summary>
    public bool Short { get; private set; }

    /// <summary><c>--rounds N</c>: rounds per launch.</summary>
    public int? Rounds { get; private set; }

    /// <summary><c>--launches N</c>: processes (or sets of side processes) the rounds are spread over.</summary>
    public int? Launches { get; private set; }

    /// <summary><c>--pair NAME</c> (repeatable): the pairs to measure; empty = every pair.</summary>
    public List<string> OnlyPairs { get; } = [];

    /// <summary><c>--budget FILE</c>, or the repository's budget file.</summary>
    public string BudgetPath { get; private set; }

    /// <summary><c>--out DIR</c>; null = the default the gate chooses (<see cref="OutputOr"/>).</summary>
    public string? Output { get; private set; }

    /// <summary><c>--artifacts DIR</c>, or <c>artifacts/NAME</c> under the repository.</summary>
    public string ArtifactsDirectory { get; private set; }

    private GateArguments(string budgetPath, string artifactsDirectory)
    {
        BudgetPath = budgetPath;
        ArtifactsDirectory = artifactsDirectory;
    }

    /// <summary>Reads <paramref name="args"/>: the common options here, every other one through <paramref name="readOwn"/>,
    /// which gets the option and a function returning its value (consuming it) and answers whether the option was its own.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="repositoryRoot">Where the default paths start.</param>
    /// <param name="name">The gate's file name stem (<c>bench-gate</c>, <c>debug-gate</c>): its budget file is
    /// <c>benchmarks/NAME.budget.json</c>, its artifacts <c>artifacts/NAME</c>.</param>
    /// <param name="readOwn">The gate's own options.</param>
    /// <param name="ownUsage">The gate's own options for the error message of an unknown one.</param>
    public static GateArguments Parse(string[] args, string repositoryRoot, string name, Func<string, Func<string>, bool> readOwn, string ownUsage)
    {
        var read = new GateArguments(
            Path.Combine(repositoryRoot, "benchmarks", name + ".budget.json"),
            Path.Combine(repositoryRoot, "artifacts", name));
        for (int i = 0; i < args.Length; i++)
        {
            int at = i;
            string Value() => ++i < args.Length ? args[i] : throw new GateSetupException($"{args[at]} needs a value");
            switch (args[i])
            {
                case "--short":
                    read.Short = true;
                    break;
                case "--rounds":
                    read.Rounds = Number(args[at], Value());
                    break;
                case "--launches":
                    read.Launches = Number(args[at], Value());
                    break;
                case "--pair":
                    read.OnlyPairs.Add(Value());
                    break;
                case "--budget":
                    read.BudgetPath = Path.GetFullPath(Value());
                    break;
                case "--out":
                    read.Output = Path.GetFullPath(Value());
                    break;
                case "--artifacts":
                    read.ArtifactsDirectory = Path.GetFullPath(Value());
                    break;
                default:
                    if (!readOwn(args[i], Value))
                    {
                        throw new GateSetupException($"unknown argument '{args[i]}' (valid: {Usage}, {ownUsage})");
                    }

                    break;
            }
        }

        return read;
    }

    /// <summary>Where results go: <c>--out</c>, else the artifacts directory for a run that is not the gate's record
    /// (<paramref name="notTheRecord"/>: short, some pairs, a control run), else <c>benchmarks/results</c>.</summary>
    public string OutputOr(bool notTheRecord, string repositoryRoot) =>
        Output ?? (notTheRecord || OnlyPairs.Count > 0 ? ArtifactsDirectory : Path.Combine(repositoryRoot, "benchmarks", "results"));

    /// <summary>Reads a count of at least 1 given to <paramref name="option"/>.</summary>
    public static int Number(string option, string text) =>
        int.TryParse(text, out int n) && n >= 1 ? n : throw new GateSetupException($"{option} {text}: a number >= 1");
}
