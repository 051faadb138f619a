// ClassifiedEvent.cs: the validator's line {"ev":"classified",...}: the answer to a classify request.
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>The verdicts of a classify request, one per address asked.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ClassifiedEvent
{
    /// <summary>The event's name on the line.</summary>
    [JsonPropertyOrder(-1)]
    public string Ev => "classified";

    /// <summary>The id of the classify it answers.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Id { get; init; }

    /// <summary>Milliseconds the target was stopped, to 0.01.</summary>
    [JsonConverter(typeof(LenientDoubleJsonConverter))]
    public double? PauseMs { get; init; }

    /// <summary>One verdict per address.</summary>
    public IReadOnlyList<ClassifiedAddress>? Verdicts { get; init; }
}
