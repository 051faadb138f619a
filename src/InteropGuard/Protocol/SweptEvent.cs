// SweptEvent.cs: the validator's line {"ev":"swept",...}: a sweep finished and the target was resumed.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>A sweep finished; the findings written before it belong to it. A sweep that failed answers with its id,
/// reason, a zero pause and no findings, the counts left out.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SweptEvent
{
    /// <summary>The event's name on the line.</summary>
    [JsonPropertyOrder(-1)]
    public string Ev => "swept";

    /// <summary>The id of the request it answers; 0 for a timer sweep.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Id { get; init; }

    /// <summary>Why it ran: <c>demand</c>, <c>exit</c>, <c>start</c> or <c>timer</c>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Reason { get; init; }

    /// <summary>The sweep's number in the validator's life (1, 2, ...).</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? N { get; init; }

    /// <summary>Milliseconds the target was stopped, to 0.01.</summary>
    [JsonConverter(typeof(LenientDoubleJsonConverter))]
    public double? PauseMs { get; init; }

    /// <summary>New findings of this sweep.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Findings { get; init; }

    /// <summary>Native blocks scanned.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Blocks { get; init; }

    /// <summary>Bytes scanned.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Bytes { get; init; }

    /// <summary>Live pins seen.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Pins { get; init; }

    /// <summary>Threads of the target.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Threads { get; init; }

    /// <summary>Stops retried because a GC was in progress.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Retries { get; init; }
}
