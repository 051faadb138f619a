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
    /// <summary>Verdict: not memory the GC owns.</summary>
    public const string Native = "native";

    /// <summary>Verdict: inside a live object something pins (handle, POH, frozen segment, pinned stack root).</summary>
    public const string Pinned = "pinned";

    /// <summary>Verdict: inside a live object nothing pins.</summary>
    public const string Unpinned = "unpinned";

    /// <summary>Verdict: GC memory where no live object is.</summary>
    public const string Dangling = "dangling";

    /// <summary>Verdict: not decidable within the validator's stops (<see cref="Why"/> says which way).</summary>
    public const string Unknown = "unknown";

    /// <summary>The address as asked.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? Address { get; init; }

    /// <summary><see cref="Native"/>, <see cref="Pinned"/>, <see cref="Unpinned"/>, <see cref="Dangling"/> or <see cref="Unknown"/>.</summary>
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
