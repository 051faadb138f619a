// TornRecordsWarning.cs: the warning shape "torn-records": shadow-table records that were torn or implausible were skipped.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Shadow-table records torn or implausible (being written when the target stopped, or a damaged table) were skipped.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record TornRecordsWarning : SweepWarning
{
    /// <summary>How many records.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Count { get; init; }
}
