// NoStopSentinelWarning.cs: the warning shape "no-stop-sentinel": the stop sentinel could not be started, so a validator that dies during a sweep leaves the target stopped.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>The stop sentinel could not be started: if the validator dies during a sweep, the target stays stopped.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record NoStopSentinelWarning : SweepWarning
{
    /// <summary>Why it could not be started (the exception's message).</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Error { get; init; }
}
