// SweepWarningJson.cs: the warning line of the validator protocol: the table of warning shapes (name and record type) and the one reader and writer of it, used by the validator, the tool and the target's runtime.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Reads and writes <c>{"ev":"warning","shape":"..",...}</c> lines (docs/design/validator-protocol.md). The
/// shape names the record type; its fields are the record's properties in camelCase. Reading never throws: a missing
/// or mistyped field is null, an unknown or missing shape reads as the base <see cref="SweepWarning"/> (its <c>message</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SweepWarningJson
{
    // The shapes: the one place a warning shape's protocol name is declared (add a row, a record and a case in SweepWarningWording).
    private static readonly (Type Type, string Name, JsonTypeInfo Info)[] Rows =
    [
        (typeof(SweepSkippedWarning), "sweep-skipped", SweepWarningJsonContext.Default.SweepSkippedWarning),
        (typeof(SweepFailedWarning), "sweep-failed", SweepWarningJsonContext.Default.SweepFailedWarning),
        (typeof(HeapNotCheckedWarning), "heap-not-checked", SweepWarningJsonContext.Default.HeapNotCheckedWarning),
        (typeof(TornRecordsWarning), "torn-records", SweepWarningJsonContext.Default.TornRecordsWarning),
        (typeof(UnreadableMemoryWarning), "unreadable-memory", SweepWarningJsonContext.Default.UnreadableMemoryWarning),
        (typeof(PartialFillWarning), "partial-fill", SweepWarningJsonContext.Default.PartialFillWarning),
        (typeof(KnownRetainerWarning), "known-retainer", SweepWarningJsonContext.Default.KnownRetainerWarning),
        (typeof(HeapWordInGcReservationWarning), "heap-word-in-gc-reservation", SweepWarningJsonContext.Default.HeapWordInGcReservationWarning),
        (typeof(UntrackedFreesWarning), "untracked-frees", SweepWarningJsonContext.Default.UntrackedFreesWarning),
        (typeof(DroppedHeapBlocksWarning), "dropped-heap-blocks", SweepWarningJsonContext.Default.DroppedHeapBlocksWarning),
        (typeof(UndecidedCallbackWarning), "undecided-callback", SweepWarningJsonContext.Default.UndecidedCallbackWarning),
        (typeof(StackWalkShortWarning), "stack-walk-short", SweepWarningJsonContext.Default.StackWalkShortWarning),
        (typeof(NoSweepDeadlineWarning), "no-sweep-deadline", SweepWarningJsonContext.Default.NoSweepDeadlineWarning),
        (typeof(NoStopSentinelWarning), "no-stop-sentinel", SweepWarningJsonContext.Default.NoStopSentinelWarning),
    ];

    private static readonly ProtocolShapes<SweepWarning> Shapes = new(SweepWarningJsonContext.Default.SweepWarning, Rows);

    /// <summary>Every shape name, in the order of the table.</summary>
    public static IReadOnlyList<string> ShapeNames => Shapes.Names;

    /// <summary>The protocol name of a record type, e.g. <c>torn-records</c>; null for <see cref="SweepWarning"/> itself or a type
    /// that is not a shape.</summary>
    /// <param name="type">A record type derived from <see cref="SweepWarning"/>.</param>
    public static string? ShapeName(Type type) => Shapes.NameOf(type);

    /// <summary>The protocol line of <paramref name="warning"/>, without a trailing newline.</summary>
    /// <param name="warning">A warning of any shape.</param>
    public static string Write(SweepWarning warning) => Shapes.Write(warning);

    /// <summary>The warning a parsed line holds: the record of its <c>shape</c>, or the base record when the shape is
    /// missing or unknown; null when <paramref name="line"/> is not a JSON object.</summary>
    /// <param name="line">A parsed protocol line.</param>
    public static SweepWarning? Read(JsonElement line) => Shapes.Read(line);
}
