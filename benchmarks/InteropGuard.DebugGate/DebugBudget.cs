// DebugBudget.cs - reads the Debug gate's budget file (benchmarks/debug-gate.budget.json) before anything is measured and
// checks it against the fixed pairs and modes (a missing, extra or out-of-range entry stops the gate); declares the rule
// that judges a mode's ratio against its budget and, for an allocator-bound pair, against its anchor side.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>The largest ratio (guarded time / unguarded time) each pair may show in each mode, and the anchor side an
/// allocator-bound pair may be judged against instead.</summary>
internal sealed class DebugBudget
{
    /// <summary>The rule, as the results print it.</summary>
    public const string Rule = "a mode passes when its ratio is within its budget, or, for a pair whose budget names an anchor side, " +
        "when its ratio is at most the anchor side's ratio × the mode's allowance (its budget / the pair's mode-1 budget: mode 1 × 1.00, " +
        "mode 2 × 1.5 / 1.3 for the sweeps); an anchor side that was not measured gives no second chance";

    private readonly Dictionary<string, Pair> _pairs;

    private DebugBudget(string path, Dictionary<string, Pair> pairs)
    {
        Path = path;
        _pairs = pairs;
    }

    /// <summary>The file the budget came from.</summary>
    public string Path { get; }

    /// <summary>Whether any pair names an anchor (then the gate must measure the anchor side).</summary>
    public bool HasAnchor => _pairs.Values.Any(p => p.Anchor is not null);

    /// <summary>The budget of <paramref name="pair"/>.</summary>
    public Pair For(DebugPair pair) => _pairs[pair.Name];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="GateSetupException"/> saying what is wrong with it.</summary>
    public static DebugBudget Load(string path, IReadOnlyList<DebugPair> pairs)
    {
        const string Shape = "{\"pairs\": {\"<pair>\": {\"mode1\": <ratio>, \"mode2\": <ratio>[, \"anchor\": \"asan\"]}}}";
        if (!File.Exists(path))
        {
            throw new GateSetupException($"budget file '{path}' not found; pass --budget FILE (the repository's is benchmarks/debug-gate.budget.json)");
        }

        var read = new Dictionary<string, Pair>();
        var missing = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (JsonProperty entry in document.RootElement.GetProperty("pairs").EnumerateObject())
            {
                DebugPair pair = pairs.FirstOrDefault(p => p.Name == entry.Name)
                    ?? throw new GateSetupException($"budget file '{path}' names '{entry.Name}', which the gate does not measure (pairs: {string.Join(", ", pairs.Select(p => p.Name))})");
                var max = new Dictionary<DebugSide, double>();
                DebugSide? anchor = null;
                foreach (JsonProperty field in entry.Value.EnumerateObject())
                {
                    if (field.Name == "anchor")
                    {
                        anchor = Anchor(path, pair, field.Value.GetString() ?? "");
                        continue;
                    }

                    DebugSide mode = DebugSides.Parse(field.Name) is DebugSide s && DebugSides.Guarded.Contains(s)
                        ? s
                        : throw new GateSetupException($"budget file '{path}': '{pair.Name}' names '{field.Name}'; a pair has mode1, mode2 and optionally anchor");
                    double value = field.Value.GetDouble();
                    if (!(value >= 1.0))
                    {
                        throw new GateSetupException($"budget file '{path}': '{pair.Name}' {field.Name} is {value}; a budget is a ratio >= 1");
                    }

                    max[mode] = value;
                }

                missing.AddRange(DebugSides.Guarded.Where(m => !max.ContainsKey(m)).Select(m => $"{pair.Name} {m.Key()}"));
                read[pair.Name] = new Pair(max, anchor);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new GateSetupException($"budget file '{path}' is not valid: {e.Message} (expected {Shape})");
        }

        missing.AddRange(pairs.Where(p => !read.ContainsKey(p.Name)).SelectMany(p => DebugSides.Guarded.Select(m => $"{p.Name} {m.Key()}")));
        if (missing.Count > 0)
        {
            throw new GateSetupException($"budget file '{path}' has no budget for {string.Join(", ", missing)}; every pair needs one per mode");
        }

        return new DebugBudget(path, read);
    }

    // An anchor is a reference side (asan), and only a pair whose cost is the allocator may have one.
    private static DebugSide Anchor(string path, DebugPair pair, string key)
    {
        if (DebugSides.Parse(key) != DebugSide.Asan)
        {
            throw new GateSetupException($"budget file '{path}': '{pair.Name}' anchor '{key}' is not an anchor side; the anchor side is asan (AddressSanitizer)");
        }

        return pair.AllocatorBound
            ? DebugSide.Asan
            : throw new GateSetupException($"budget file '{path}': '{pair.Name}' names anchor '{key}', but its cost is not the allocator's; only an allocator-bound pair may be judged against AddressSanitizer");
    }

    /// <summary>One pair's budget.</summary>
    /// <param name="Max">The largest ratio per guarded mode.</param>
    /// <param name="Anchor">The side whose ratio the pair may be judged against instead (<see cref="DebugSide.Asan"/>), or
    /// null.</param>
    internal sealed record Pair(IReadOnlyDictionary<DebugSide, double> Max, DebugSide? Anchor)
    {
        /// <summary>What a mode may add to the anchor side's ratio: its budget over mode 1's (mode 1: 1; mode 2: the share
        /// of its budget the sweeps get).</summary>
        public double Allowance(DebugSide mode) => Max[mode] / Max[DebugSide.Mode1];

        /// <summary>Judges <paramref name="ratio"/> of <paramref name="mode"/> by <see cref="Rule"/>;
        /// <paramref name="anchorRatio"/> is the anchor side's ratio, null when it was not measured.</summary>
        public Verdict Judge(DebugSide mode, double ratio, double? anchorRatio) =>
            new(ratio, Max[mode], Anchor, Anchor is not null && anchorRatio is double a ? a * Allowance(mode) : null);
    }

    /// <summary>A mode's verdicts: against its budget and, where the pair has an anchor that was measured, against the
    /// anchor.</summary>
    /// <param name="Ratio">The mode's ratio.</param>
    /// <param name="Budget">Its budget.</param>
    /// <param name="Anchor">The pair's anchor side, or null.</param>
    /// <param name="AnchorLimit">The anchor side's ratio × the mode's allowance; null without an anchor or when the anchor
    /// side was not measured.</param>
    internal sealed record Verdict(double Ratio, double Budget, DebugSide? Anchor, double? AnchorLimit)
    {
        /// <summary>Within the plain budget.</summary>
        public bool WithinBudget => Ratio <= Budget;

        /// <summary>Within the anchor's limit; null when there is none.</summary>
        public bool? WithinAnchor => AnchorLimit is double limit ? Ratio <= limit : null;

        /// <summary>The gate's verdict: within the budget or within the anchor's limit.</summary>
        public bool Passed => WithinBudget || WithinAnchor == true;
    }
}
