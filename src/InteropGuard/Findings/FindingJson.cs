// FindingJson.cs: the finding line of the validator protocol: the table of shapes (name and record type) and the one reader and writer of it, used by the validator and the target's runtime alike.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Reads and writes <c>{"ev":"finding","shape":"..",...}</c> lines (docs/design/validator-protocol.md). The
/// shape names the record type; its fields are the record's properties in camelCase. Reading never throws: a missing
/// or mistyped field is null, an unknown or missing shape reads as the base <see cref="Finding"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FindingJson
{
    // The shapes: the one place a shape's protocol name is declared (add a row, a record and a case in FindingEvidence).
    private static readonly (Type Type, string Name, JsonTypeInfo Info)[] Rows =
    [
        (typeof(UnpinnedWordFinding), "unpinned-word", FindingJsonContext.Default.UnpinnedWordFinding),
        (typeof(DanglingWordFinding), "dangling-word", FindingJsonContext.Default.DanglingWordFinding),
        (typeof(FreedBlockWordFinding), "freed-block-word", FindingJsonContext.Default.FreedBlockWordFinding),
        (typeof(UnmappedViewWordFinding), "unmapped-view-word", FindingJsonContext.Default.UnmappedViewWordFinding),
        (typeof(ReleasedPinWordFinding), "released-pin-word", FindingJsonContext.Default.ReleasedPinWordFinding),
        (typeof(ReleasedCallbackWordFinding), "released-callback-word", FindingJsonContext.Default.ReleasedCallbackWordFinding),
        (typeof(CollectedCallScopedCallbackWordFinding), "collected-call-callback-word", FindingJsonContext.Default.CollectedCallScopedCallbackWordFinding),
        (typeof(CollectedRetainedCallbackFinding), "collected-retained-callback", FindingJsonContext.Default.CollectedRetainedCallbackFinding),
        (typeof(CollectedRetainedPinFinding), "collected-retained-pin", FindingJsonContext.Default.CollectedRetainedPinFinding),
        (typeof(MovedRetainedPinFinding), "moved-retained-pin", FindingJsonContext.Default.MovedRetainedPinFinding),
        (typeof(UnpinnedRetainedPinFinding), "unpinned-retained-pin", FindingJsonContext.Default.UnpinnedRetainedPinFinding),
        (typeof(DamagedRedzoneFinding), "damaged-redzone", FindingJsonContext.Default.DamagedRedzoneFinding),
        (typeof(PinAliveAtExitFinding), "pin-alive-at-exit", FindingJsonContext.Default.PinAliveAtExitFinding),
        (typeof(PinAliveTooLongFinding), "pin-alive-too-long", FindingJsonContext.Default.PinAliveTooLongFinding),
    ];

    private static readonly ProtocolShapes<Finding> Shapes = new(FindingJsonContext.Default.Finding, Rows);

    /// <summary>Every shape name, in the order of the table.</summary>
    public static IReadOnlyList<string> ShapeNames => Shapes.Names;

    /// <summary>The protocol name of a record type, e.g. <c>unpinned-word</c>; null for <see cref="Finding"/> itself or a type
    /// that is not a shape.</summary>
    /// <param name="type">A record type derived from <see cref="Finding"/>.</param>
    public static string? ShapeName(Type type) => Shapes.NameOf(type);

    /// <summary>The protocol line of <paramref name="finding"/>, without a trailing newline.</summary>
    /// <param name="finding">A finding of any shape.</param>
    public static string Write(Finding finding) => Shapes.Write(finding);

    /// <summary>The finding a parsed line holds: the record of its <c>shape</c>, or the base record when the shape is
    /// missing or unknown; null when <paramref name="line"/> is not a JSON object.</summary>
    /// <param name="line">A parsed protocol line.</param>
    public static Finding? Read(JsonElement line) => Shapes.Read(line);
}
