// ErrorEvent.cs: the validator's line {"ev":"error","fatal":true,...}: it cannot go on, and says the fix.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>A fatal error of the validator (attach refused, table unreadable); it exits after writing it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ErrorEvent
{
    /// <summary>The event's name on the line.</summary>
    [JsonPropertyOrder(-1)]
    public string Ev => "error";

    /// <summary>True: the validator stops.</summary>
    [JsonConverter(typeof(LenientBooleanJsonConverter))]
    public bool? Fatal { get; init; }

    /// <summary>What went wrong and the fix, one sentence for the user.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Message { get; init; }
}
