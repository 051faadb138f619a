// GateBudget.cs - reads the gate's budget file (benchmarks/bench-gate.budget.json) before anything is measured and checks
// it against the fixed set of pairs: a missing, extra or mis-united entry stops the gate.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace InteropGuard.BenchGate;

/// <summary>The largest overhead each pair may show: pair name → maximum, in the pair's unit.</summary>
internal sealed class GateBudget
{
    private readonly Dictionary<string, double> _max;

    private GateBudget(string path, Dictionary<string, double> max)
    {
        Path = path;
        _max = max;
    }

    /// <summary>The file the budget came from.</summary>
    public string Path { get; }

    /// <summary>The budget of <paramref name="pair"/>, in its unit.</summary>
    public double For(GatePair pair) => _max[pair.Name];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="GateSetupException"/> saying what is wrong with it.</summary>
    public static GateBudget Load(string path, IReadOnlyList<GatePair> pairs)
    {
        if (!File.Exists(path))
        {
            throw new GateSetupException($"budget file '{path}' not found; pass --budget FILE (the repository's is benchmarks/bench-gate.budget.json)");
        }

        var max = new Dictionary<string, double>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (JsonProperty entry in document.RootElement.GetProperty("pairs").EnumerateObject())
            {
                GatePair pair = pairs.FirstOrDefault(p => p.Name == entry.Name)
                    ?? throw new GateSetupException($"budget file '{path}' names '{entry.Name}', which the gate does not measure (pairs: {string.Join(", ", pairs.Select(p => p.Name))})");
                string unit = entry.Value.GetProperty("unit").GetString() ?? "";
                if (unit != pair.UnitSymbol)
                {
                    throw new GateSetupException($"budget file '{path}': '{pair.Name}' is measured in {pair.UnitSymbol}, not '{unit}'");
                }

                double value = entry.Value.GetProperty("max").GetDouble();
                if (!(value >= 0))
                {
                    throw new GateSetupException($"budget file '{path}': '{pair.Name}' has max {value}; a budget is a number >= 0");
                }

                max[pair.Name] = value;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new GateSetupException($"budget file '{path}' is not valid: {e.Message} (expected {{\"pairs\": {{\"<pair>\": {{\"unit\": \"ns\"|\"%\", \"max\": <number>}}}}}})");
        }

        string[] missing = pairs.Where(p => !max.ContainsKey(p.Name)).Select(p => p.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new GateSetupException($"budget file '{path}' has no budget for {string.Join(", ", missing)}; every measured pair needs one");
        }

        return new GateBudget(path, max);
    }
}
