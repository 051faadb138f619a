// SweepResult.cs: what one sweep found and what it cost (the protocol's "swept" line).
using System.Collections.Generic;
using System.Globalization;
using InteropGuard.Findings;
using InteropGuard.Protocol;

namespace InteropGuard.Validator;

/// <summary>The outcome of <see cref="Sweeper.Sweep(SweepReason, long)"/>.</summary>
public sealed class SweepResult
{
    internal SweepResult(long id, SweepReason reason)
    {
        Id = id;
        Reason = reason;
    }

    /// <summary>The sweep id passed in (the protocol's <c>id</c>; 0 for timer sweeps).</summary>
    public long Id { get; }

    /// <summary>The sweep's number in this sweeper's life, 1 for the first: what logs, reports and <c>attach</c> call
    /// "sweep N" (the protocol's <c>n</c>), whatever asked for it.</summary>
    public long Number { get; internal set; }

    /// <summary>Why it ran.</summary>
    public SweepReason Reason { get; }

    /// <summary>Findings not reported before by this sweeper (each finding is reported once per validator lifetime).</summary>
    public IReadOnlyList<Finding> Findings => FindingList;

    /// <summary>Warnings worth telling the user once (a table record skipped as torn, retries exhausted).</summary>
    public IReadOnlyList<SweepWarning> Warnings => WarningList;

    /// <summary>Milliseconds the target was stopped, summed over retries.</summary>
    public double PauseMs { get; internal set; }

    /// <summary>CPU time of the sweeping thread while the target was stopped, over all attempts (the pause's own work,
    /// which a loaded machine inflates far less than <see cref="PauseMs"/>; for the benchmark).</summary>
    internal double StopCpuMs { get; set; }

    /// <summary>Live native blocks and regions scanned.</summary>
    public long Blocks { get; internal set; }

    /// <summary>Bytes scanned as roots (blocks, regions and library data).</summary>
    public long Bytes { get; internal set; }

    /// <summary>Live pins in the table.</summary>
    public long Pins { get; internal set; }

    /// <summary>Managed threads of the target.</summary>
    public long Threads { get; internal set; }

    /// <summary>Blocks of the native-heap registry this sweep saw (0 when tracking is off).</summary>
    public long NativeHeapBlocks { get; internal set; }

    /// <summary>Bytes of native-heap blocks read (before the stop when the GC's range is fixed, else inside it).</summary>
    public long NativeHeapBytes { get; internal set; }

    /// <summary>Times the target was resumed and stopped again because a GC was in progress.</summary>
    public int Retries { get; internal set; }

    /// <summary>Threads whose stacks this sweep walked for pinned roots (0 when no candidate needed them).</summary>
    internal long StackWalks { get; set; }

    /// <summary>Threads whose pinned stack roots this sweep took from the previous stop (unchanged registers and stack).</summary>
    internal long StackReuses { get; set; }

    /// <summary>False when the managed heap could not be examined (a GC stayed in progress through every retry): the
    /// managed-pointer checks were skipped in this sweep (a warning says so).</summary>
    public bool HeapChecked { get; internal set; } = true;

    /// <summary>The stop's time by phase (<see cref="StopPhases.Off"/> unless the sweeper profiles its stops).</summary>
    internal StopPhases Phases { get; init; } = StopPhases.Off;

    internal List<Finding> FindingList { get; } = new();

    internal List<SweepWarning> WarningList { get; } = new();

    /// <summary>What a pass could not check, by key (the sweeper passes each key on as a warning once).</summary>
    internal List<(string Key, SweepWarning Warning)> PassNotes { get; } = new();

    /// <summary>The protocol spelling of a reason.</summary>
    /// <param name="reason">The reason.</param>
    public static string ReasonName(SweepReason reason) => reason switch
    {
        SweepReason.Timer => ValidatorRequest.Timer,
        SweepReason.Exit => ValidatorRequest.Exit,
        SweepReason.Start => ValidatorRequest.Start,
        _ => ValidatorRequest.Demand,
    };

    /// <summary>The protocol line <c>{"ev":"swept",...}</c> without a trailing newline.</summary>
    public string ToJson() => ProtocolJson.Write(new SweptEvent
    {
        Id = Id,
        Reason = ReasonName(Reason),
        N = Number,
        PauseMs = double.Round(PauseMs, 2),
        Findings = FindingList.Count,
        Blocks = Blocks,
        Bytes = Bytes,
        Pins = Pins,
        Threads = Threads,
        Retries = Retries,
    });

    /// <summary>The verbosity=2 log line for stderr: the stop's wall/CPU milliseconds by phase (thread stop, flushes, heap,
    /// table, pins, blocks, words, stack roots, handles, resume); null when the sweeper did not time them (verbosity below 2).</summary>
    public string? ToPhasesLogLine() => Phases.Enabled
        ? string.Create(CultureInfo.InvariantCulture, $"InteropGuard validator: sweep {Number} phases (wall/cpu ms): {Phases.Describe()}")
        : null;

    /// <summary>One log line for stderr (verbosity 1).</summary>
    public string ToLogLine() => string.Create(CultureInfo.InvariantCulture,
        $"InteropGuard validator: sweep {Number} ({ReasonName(Reason)}): pause {PauseMs:F2} ms, {FindingList.Count} new findings, {Blocks} blocks, {Bytes} bytes, {Pins} pins, {Threads} threads, {Retries} retries");
}
