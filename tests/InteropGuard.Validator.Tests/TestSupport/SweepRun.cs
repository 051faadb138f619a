// SweepRun.cs: starts a target scenario, sweeps it once through the engine (Sweeper) and returns what the sweep found.
using System;
using System.Linq;

namespace InteropGuard.Validator.Tests.TestSupport;

/// <summary>One target, one sweeper; the options string goes to both (as INTEROPGUARD_OPTIONS does in mode 2).</summary>
internal static class SweepRun
{
    /// <summary>Sweeps <paramref name="scenario"/> once per phase the callback asks for; returns the first sweep.</summary>
    public static SweepResult Once(string scenario, bool bug, string? options = null)
    {
        using TargetChild child = TargetChild.Start(scenario, bug, options);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(options));
        return sweeper.Sweep(SweepReason.Demand, 1);
    }

    /// <summary>Sweeps every phase of a scenario; returns one result per phase.</summary>
    public static SweepResult[] Phases(string scenario, bool bug, int phases, string? options = null)
    {
        using TargetChild child = TargetChild.Start(scenario, bug, options);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(options));
        var results = new SweepResult[phases];
        for (int i = 0; i < phases; i++)
        {
            if (i > 0)
            {
                child.Next();
            }

            results[i] = sweeper.Sweep(SweepReason.Demand, i + 1);
        }

        return results;
    }

    public static string Describe(SweepResult result) =>
        result.Findings.Count == 0
            ? "no findings" + (result.Warnings.Count > 0 ? "; warnings: " + string.Join(" | ", result.Warnings.Select(w => w.ToJson())) : "")
            : string.Join("\n", result.Findings.Select(f => f.ToJson())) + (result.Warnings.Count > 0 ? "\nwarnings: " + string.Join(" | ", result.Warnings.Select(w => w.ToJson())) : "");
}
