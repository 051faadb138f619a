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
    private static readonly (Type Type, string Name, JsonTypeInfo Info)[] Shapes =
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

    /// <summary>Every shape name, in the order of the table.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = Array.ConvertAll(Shapes, s => s.Name);

    /// <summary>The protocol name of a record type, e.g. <c>unpinned-word</c>; null for <see cref="Finding"/> itself or
    /// a type that is not a shape.</summary>
    /// <param name="type">A record type derived from <see cref="Finding"/>.</param>
    public static string? ShapeName(Type type)
    {
        foreach ((Type t, string name, _) in Shapes)
        {
            if (t == type)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The protocol line of <paramref name="finding"/>, without a trailing newline.</summary>
    /// <param name="finding">A finding of any shape.</param>
    public static string Write(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return JsonSerializer.Serialize(finding, InfoOf(finding.GetType()));
    }

    /// <summary>The finding a parsed line holds: the record of its <c>shape</c>, or the base record when the shape is
    /// missing or unknown; null when <paramref name="line"/> is not a JSON object.</summary>
    /// <param name="line">A parsed protocol line.</param>
    public static Finding? Read(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? shape = line.TryGetProperty("shape", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        JsonTypeInfo info = FindingJsonContext.Default.Finding;
        foreach ((_, string name, JsonTypeInfo i) in Shapes)
        {
            if (string.Equals(name, shape, StringComparison.Ordinal))
            {
                info = i;
                break;
            }
        }

        try
        {
            return (Finding?)line.Deserialize(info);
        }
        catch (JsonException)
        {
            return null; // the converters read every field leniently; this is a line no converter saw (not an object)
        }
    }

    private static JsonTypeInfo InfoOf(Type type)
    {
        foreach ((Type t, _, JsonTypeInfo info) in Shapes)
        {
            if (t == type)
            {
                return info;
            }
        }

        return FindingJsonContext.Default.Finding;
    }
}
