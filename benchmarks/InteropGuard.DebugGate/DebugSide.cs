// DebugSide.cs - the three processes of a Debug-gate launch: the unguarded program, and the Debug-wrapper program in
// mode 1 and in mode 2; each is the same gate assembly started with its own INTEROPGUARD environment.
using System.Collections.Generic;

namespace InteropGuard.DebugGate;

/// <summary>Which program a side process is.</summary>
internal enum DebugSide
{
    /// <summary><c>INTEROPGUARD=0</c>, the direct (<c>[NotIntercepted]</c>) declarations: what the program costs without
    /// InteropGuard. Every ratio is taken against it.</summary>
    Unguarded,

    /// <summary><c>INTEROPGUARD=1</c>, the intercepted declarations (full wrappers): call-boundary checks.</summary>
    Mode1,

    /// <summary><c>INTEROPGUARD=2</c>, the intercepted declarations, the validator sweeping every second.</summary>
    Mode2,
}

/// <summary>Names and environments of the sides.</summary>
internal static class DebugSides
{
    /// <summary>Milliseconds between the mode-2 side's validator sweeps (<c>validator_interval_ms</c>).</summary>
    public const int SweepIntervalMs = 1000;

    /// <summary>The sides a ratio is measured for (every side but <see cref="DebugSide.Unguarded"/>).</summary>
    public static IReadOnlyList<DebugSide> Guarded { get; } = [DebugSide.Mode1, DebugSide.Mode2];

    /// <summary>All sides, in their index order.</summary>
    public static IReadOnlyList<DebugSide> All { get; } = [DebugSide.Unguarded, DebugSide.Mode1, DebugSide.Mode2];

    private const string MmapThreshold = "MALLOC_MMAP_THRESHOLD_";
    private const string FixedMmapThreshold = "4194304";
    private const string TrimThreshold = "MALLOC_TRIM_THRESHOLD_";
    private const string FixedTrimThreshold = "268435456";

    /// <summary>The key in the budget file, the results and the command line: <c>unguarded</c>, <c>mode1</c>, <c>mode2</c>.</summary>
    public static string Key(this DebugSide side) => side switch
    {
        DebugSide.Unguarded => "unguarded",
        DebugSide.Mode1 => "mode1",
        _ => "mode2",
    };

    /// <summary>The side named <paramref name="key"/>, or null.</summary>
    public static DebugSide? Parse(string key) => key switch
    {
        "unguarded" => DebugSide.Unguarded,
        "mode1" => DebugSide.Mode1,
        "mode2" => DebugSide.Mode2,
        _ => null,
    };

    /// <summary>The environment a side's process starts with. Every side gets the same fixed malloc thresholds
    /// (<c>MALLOC_MMAP_THRESHOLD_</c> 4 MiB, <c>MALLOC_TRIM_THRESHOLD_</c> 256 MiB): with glibc's dynamic ones, whether
    /// zlib's ~270 KiB deflate state came from fresh pages (mmapped, or the heap top trimmed after the last free and
    /// faulted in again) on every compress2 depended on what else the process had allocated, so the zlib pair read
    /// 1.5–2.6 ms or 5 ms per invocation by process and moment, not by mode. The guarded sides keep their exit code (<c>exit_code=0</c>:
    /// the self-test's expected report would otherwise make it 23; the side process checks itself that no other report
    /// came). Mode 2 sweeps every second (<see cref="SweepIntervalMs"/>) with the validator built next to the gate
    /// (<paramref name="validator"/>, InteropGuard.Cli.dll), which logs every sweep's pause (<c>verbosity=1</c>, see
    /// <see cref="SweepPauses"/>).</summary>
    public static IReadOnlyDictionary<string, string> Environment(this DebugSide side, string validator) => side switch
    {
        DebugSide.Unguarded => new Dictionary<string, string> { [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold, ["INTEROPGUARD"] = "0", ["INTEROPGUARD_OPTIONS"] = "" },
        DebugSide.Mode1 => new Dictionary<string, string> { [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold, ["INTEROPGUARD"] = "1", ["INTEROPGUARD_OPTIONS"] = "exit_code=0" },
        _ => new Dictionary<string, string>
        {
            [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold,
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = $"validator_path={validator}:validator_interval_ms={SweepIntervalMs}:verbosity=1:exit_code=0",
        },
    };
}
