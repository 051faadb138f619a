// UnreadableMemoryWarning.cs: the warning shape "unreadable-memory": table chunks or native blocks that could not be read were skipped.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Table chunks or native blocks the validator could not read were skipped.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UnreadableMemoryWarning : SweepWarning
{
    /// <summary>How many chunks and blocks.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Count { get; init; }
}
