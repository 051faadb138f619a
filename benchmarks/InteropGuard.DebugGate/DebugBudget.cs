// DebugBudget.cs - reads the Debug gate's budget file (benchmarks/debug-gate.budget.json) before anything is measured and
// checks it against the fixed pairs and modes: a missing, extra or out-of-range entry stops the gate.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>The largest ratio (guarded time / unguarded time) each pair may show in each mode.</summary>
internal sealed class DebugBudget
{
    private readonly Dictionary<(string Pair, DebugSide Mode), double> _max;

    private DebugBudget(string path, Dictionary<(string, DebugSide), double> max)
    {
        Path = path;
        _max = max;
    }

    /// <summary>The file the budget came from.</summary>
    public string Path { get; }

    /// <summary>The budget of <paramref name="pair"/> in <paramref name="mode"/>, as a ratio (1.3 = 30 % more time).</summary>
    public double For(DebugPair pair, DebugSide mode) => _max[(pair.Name, mode)];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="GateSetupException"/> saying what is wrong with it.</summary>
    public static DebugBudget Load(string path, IReadOnlyList<DebugPair> pairs)
    {
        const string Shape = "{\"pairs\": {\"<pair>\": {\"mode1\": <ratio>, \"mode2\": <ratio>}}}";
        if (!File.Exists(path))
        {
            throw new GateSetupException($"budget file '{path}' not found; pass --budget FILE (the repository's is benchmarks/debug-gate.budget.json)");
        }

        var max = new Dictionary<(string, DebugSide), double>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (JsonProperty entry in document.RootElement.GetProperty("pairs").EnumerateObject())
            {
                DebugPair pair = pairs.FirstOrDefault(p => p.Name == entry.Name)
                    ?? throw new GateSetupException($"budget file '{path}' names '{entry.Name}', which the gate does not measure (pairs: {string.Join(", ", pairs.Select(p => p.Name))})");
                foreach (JsonProperty mode in entry.Value.EnumerateObject())
                {
                    DebugSide side = DebugSides.Parse(mode.Name) is DebugSide s && s != DebugSide.Unguarded
                        ? s
                        : throw new GateSetupException($"budget file '{path}': '{pair.Name}' names mode '{mode.Name}'; the modes are mode1 and mode2");
                    double value = mode.Value.GetDouble();
                    if (!(value >= 1.0))
                    {
                        throw new GateSetupException($"budget file '{path}': '{pair.Name}' {mode.Name} is {value}; a budget is a ratio >= 1");
                    }

                    max[(pair.Name, side)] = value;
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new GateSetupException($"budget file '{path}' is not valid: {e.Message} (expected {Shape})");
        }

        string[] missing = pairs.SelectMany(p => DebugSides.Guarded.Select(m => (p.Name, m)))
            .Where(k => !max.ContainsKey(k)).Select(k => $"{k.Name} {k.m.Key()}").ToArray();
        if (missing.Length > 0)
        {
            throw new GateSetupException($"budget file '{path}' has no budget for {string.Join(", ", missing)}; every pair needs one per mode");
        }

        return new DebugBudget(path, max);
    }
}
