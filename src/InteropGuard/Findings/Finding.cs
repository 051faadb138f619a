// Finding.cs: one finding of a validator sweep as data (the protocol's finding line): the fields every shape shares; a line whose shape this runtime does not know reads as this base record.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>What a validator sweep found, as data: the validator sends it (<see cref="FindingJson.Write"/>), the target's
/// runtime reads it (<see cref="FindingJson.Read"/>), and only the report formatter words it. Each error shape is a sealed
/// record derived from this one, adding what its sentence needs (docs/design/validator-protocol.md lists them); this base
/// is a finding of a shape the reader does not know (a newer validator), reported from its common fields. Null means
/// unknown (the line leaves the field out).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public record Finding
{
    /// <summary>The protocol event, always <c>finding</c>.</summary>
    [JsonPropertyOrder(-3)]
    public string Ev => "finding";

    /// <summary>The shape's name in the protocol (<see cref="FindingJson"/>), e.g. <c>unpinned-word</c>; null for this base.</summary>
    [JsonPropertyOrder(-2)]
    public string? Shape => FindingJson.ShapeName(GetType());

    /// <summary>The sweep id this finding belongs to (the protocol's <c>sweep</c>; 0 for timer sweeps).</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Sweep { get; init; }

    /// <summary>The number of the sweep that found it in its validator's life (the protocol's <c>n</c>).</summary>
    [JsonPropertyName("n")]
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? SweepNumber { get; init; }

    /// <summary>The kind string, e.g. <c>unpinned-managed-pointer</c> (<see cref="ViolationKinds"/>); null when missing.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Kind { get; init; }

    /// <summary>The address involved: the value found in native memory (scans), the first damaged byte (redzones), or
    /// the range start (leaks, retained ranges).</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? Address { get; init; }

    /// <summary>Bytes involved: 8 for a scanned word, the range size for range findings.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? Size { get; init; }

    /// <summary>Where the word sits: <c>native-block</c>, <c>native-region</c>, <c>library-data</c>, or <c>range</c> for a
    /// finding about a range itself.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Holder { get; init; }

    /// <summary>The word's own address (scans).</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? HolderAddress { get; init; }

    /// <summary>Start of the block, region or library data segment holding the word.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? HolderStart { get; init; }

    /// <summary>Size of the holder in bytes.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? HolderSize { get; init; }

    /// <summary>The word's offset in its holder.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? HolderOffset { get; init; }

    /// <summary>Who allocated or registered the holding block or region.</summary>
    [JsonConverter(typeof(FindingSiteJsonConverter))]
    public FindingSite? HolderSite { get; init; }

    /// <summary>Holder <c>library-data</c>: the library's path; <c>native-heap</c>: the file of the code that allocated the block.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Library { get; init; }

    /// <summary>Holder <c>native-heap</c>: the function that allocated the block (malloc, calloc, realloc, operator new, ...).</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? HolderHow { get; init; }

    /// <summary>The managed object the word points into (or that the range covers).</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? ObjectAddress { get; init; }

    /// <summary>Its type name.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ObjectType { get; init; }

    /// <summary>Its size in bytes.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? ObjectSize { get; init; }

    /// <summary>The word's offset from the object's address.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? ObjectOffset { get; init; }

    /// <summary>The shadow-table range involved (a released pin, a freed block, a leaked pin).</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? RangeId { get; init; }

    /// <summary>Its kind: <c>native-block</c>, <c>managed-pin</c>, <c>mapped-view</c>, <c>callback</c>, <c>native-region</c>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? RangeKind { get; init; }

    /// <summary>Its <c>IG_RANGE_F_*</c> flags that reports use (0x2 pinned only for one call, 0x10000 a pinned string,
    /// 0x20000 a pooled array); null when none.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? RangeFlags { get; init; }

    /// <summary>Its first user byte.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? RangeStart { get; init; }

    /// <summary>Its user bytes.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? RangeSize { get; init; }

    /// <summary>Where the range was allocated, pinned, mapped or registered.</summary>
    [JsonConverter(typeof(FindingSiteJsonConverter))]
    public FindingSite? AllocSite { get; init; }

    /// <summary>Where it was freed or released.</summary>
    [JsonConverter(typeof(FindingSiteJsonConverter))]
    public FindingSite? ReleaseSite { get; init; }

    /// <summary>Milliseconds since it was freed or released (for leaks, since it was made); sent to 0.1 ms.</summary>
    [JsonConverter(typeof(TenthsJsonConverter))]
    public double? SinceReleaseMs { get; init; }

    /// <summary><c>native-buffer-overflow</c>: the signed distance of the first damaged byte (0 = first byte past the
    /// end, -N = N bytes before the start), as <c>ig_violation_t.detail</c>.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Detail { get; init; }

    /// <summary>The protocol line of this finding, without a trailing newline (<see cref="FindingJson.Write"/>).</summary>
    public string ToJson() => FindingJson.Write(this);
}
