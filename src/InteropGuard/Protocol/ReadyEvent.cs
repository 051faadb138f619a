// ReadyEvent.cs: the validator's line {"ev":"ready",...}: attached once and warm.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>The validator attached and warmed up; its timer sweeps start.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ReadyEvent
{
    /// <summary>The event's name on the line.</summary>
    [JsonPropertyOrder(-1)]
    public string Ev => "ready";

    /// <summary>The validator's process id.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Pid { get; init; }

    /// <summary>Milliseconds the attach and warm-up took.</summary>
    [JsonConverter(typeof(LenientDoubleJsonConverter))]
    public double? WarmupMs { get; init; }

    /// <summary>The lowest address of the GC's fixed reservation (the regions GC); null with the segments GC.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? GcLo { get; init; }

    /// <summary>One past the highest address of that reservation.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? GcHi { get; init; }
}
