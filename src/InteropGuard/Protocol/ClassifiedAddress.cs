// ClassifiedAddress.cs: one verdict of a classified line: an address, its class, the object it lies in and why.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>What the validator found at one address of a classify request.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ClassifiedAddress
{
    /// <summary>The address as asked.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? Address { get; init; }

    /// <summary><c>native</c>, <c>pinned</c>, <c>unpinned</c>, <c>dangling</c> or <c>unknown</c>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Verdict { get; init; }

    /// <summary>The object the address lies in; null when there is none.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? ObjectAddress { get; init; }

    /// <summary>The object's size in bytes.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? ObjectSize { get; init; }

    /// <summary>The object's type name.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ObjectType { get; init; }

    /// <summary>Why: a code of <see cref="AddressReasons"/>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Why { get; init; }

    /// <summary>The thread a <see cref="AddressReasons.StackWalkShort"/> verdict names.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Thread { get; init; }
}
