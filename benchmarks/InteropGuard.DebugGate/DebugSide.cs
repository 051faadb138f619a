// DebugSide.cs - the processes of a Debug-gate launch: the unguarded program, the Debug-wrapper program in mode 1 and in
// mode 2, and the unguarded program under AddressSanitizer (the allocator's anchor); each is the same gate assembly
// started with its own environment.
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

    /// <summary>The unguarded side's code with gcc's AddressSanitizer runtime preloaded (<see cref="AsanRuntime"/>):
    /// <c>malloc</c>/<c>free</c> (so <c>NativeMemory</c>) and libc's <c>memset</c> go through ASan, as they do in a C
    /// program built with <c>-fsanitize=address</c> that calls uninstrumented libraries. Not budgeted: the anchor an
    /// allocator-bound pair's budget may refer to (<see cref="DebugBudget"/>), and context for every other pair.</summary>
    Asan,
}

/// <summary>Names and environments of the sides.</summary>
internal static class DebugSides
{
    /// <summary>Milliseconds between the mode-2 side's validator sweeps (<c>validator_interval_ms</c>).</summary>
    public const int SweepIntervalMs = 1000;

    /// <summary>The sides a ratio is measured for (every side but <see cref="DebugSide.Unguarded"/>).</summary>
    public static IReadOnlyList<DebugSide> Guarded { get; } = [DebugSide.Mode1, DebugSide.Mode2];

    /// <summary>All sides, in their index order.</summary>
    public static IReadOnlyList<DebugSide> All { get; } = [DebugSide.Unguarded, DebugSide.Mode1, DebugSide.Mode2, DebugSide.Asan];

    /// <summary>Whether the side runs the unguarded code (the direct declarations): the unguarded and the asan side.</summary>
    public static bool RunsUnguardedCode(this DebugSide side) => side is DebugSide.Unguarded or DebugSide.Asan;

    private const string MmapThreshold = "MALLOC_MMAP_THRESHOLD_";
    private const string FixedMmapThreshold = "4194304";
    private const string TrimThreshold = "MALLOC_TRIM_THRESHOLD_";
    private const string FixedTrimThreshold = "268435456";

    /// <summary>The key in the budget file, the results and the command line: <c>unguarded</c>, <c>mode1</c>, <c>mode2</c>,
    /// <c>asan</c>.</summary>
    public static string Key(this DebugSide side) => side switch
    {
        DebugSide.Unguarded => "unguarded",
        DebugSide.Mode1 => "mode1",
        DebugSide.Mode2 => "mode2",
        _ => "asan",
    };

    /// <summary>The side named <paramref name="key"/>, or null.</summary>
    public static DebugSide? Parse(string key) => key switch
    {
        "unguarded" => DebugSide.Unguarded,
        "mode1" => DebugSide.Mode1,
        "mode2" => DebugSide.Mode2,
        "asan" => DebugSide.Asan,
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
    /// <see cref="SweepPauses"/>). The asan side is the unguarded side's environment plus <paramref name="asan"/>'s
    /// (<see cref="AsanRuntime.Environment"/>); <paramref name="asan"/> is null when the gate runs no asan side.</summary>
    public static IReadOnlyDictionary<string, string> Environment(this DebugSide side, string validator, AsanRuntime? asan) => side switch
    {
        DebugSide.Unguarded => new Dictionary<string, string> { [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold, ["INTEROPGUARD"] = "0", ["INTEROPGUARD_OPTIONS"] = "" },
        DebugSide.Asan => new Dictionary<string, string>(asan?.Environment ?? throw new System.InvalidOperationException("no asan runtime: the asan side is not started"))
        {
            [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold, ["INTEROPGUARD"] = "0", ["INTEROPGUARD_OPTIONS"] = "",
        },
        DebugSide.Mode1 => new Dictionary<string, string> { [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold, ["INTEROPGUARD"] = "1", ["INTEROPGUARD_OPTIONS"] = "exit_code=0" },
        _ => new Dictionary<string, string>
        {
            [MmapThreshold] = FixedMmapThreshold, [TrimThreshold] = FixedTrimThreshold,
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = $"validator_path={validator}:validator_interval_ms={SweepIntervalMs}:verbosity=1:exit_code=0",
        },
    };
}
