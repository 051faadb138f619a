// SweepFailedWarning.cs: the warning shape "sweep-failed": the serve loop answered a requested sweep with no findings because it failed.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A sweep the target asked for failed with an exception; the validator answered it with no findings and serves on.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SweepFailedWarning : SweepWarning
{
    /// <summary>The sweep id the target asked for.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Sweep { get; init; }

    /// <summary>The exception's type name.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ExceptionType { get; init; }

    /// <summary>The exception's message.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ExceptionMessage { get; init; }
}
