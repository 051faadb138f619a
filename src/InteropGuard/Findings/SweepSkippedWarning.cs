// SweepSkippedWarning.cs: the warning shape "sweep-skipped": a sweep failed with an unexpected exception and was skipped; the next one may work.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A sweep failed with an exception the validator did not expect (a ClrMD error on a half-updated heap, a bug) and was skipped.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SweepSkippedWarning : SweepWarning
{
    /// <summary>The exception's type name.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ExceptionType { get; init; }

    /// <summary>The exception's message.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? ExceptionMessage { get; init; }
}
