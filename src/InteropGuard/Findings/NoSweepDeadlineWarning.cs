// NoSweepDeadlineWarning.cs: the warning shape "no-sweep-deadline": the stop sentinel cannot enforce a hard sweep deadline (no shell found).
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>The stop sentinel has no hard sweep deadline (its shell was not found): a validator that is stopped or hung keeps the target stopped until it dies.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record NoSweepDeadlineWarning : SweepWarning
{
    /// <summary>The shell that was not found.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Shell { get; init; }

    /// <summary>The target's process id.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? TargetPid { get; init; }
}
