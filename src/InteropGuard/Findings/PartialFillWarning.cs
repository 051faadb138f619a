// PartialFillWarning.cs: the warning shape "partial-fill": the target fills new native blocks only in their first bytes, so the rest of bigger blocks is not scanned.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>The target fills new native blocks only up to max_malloc_fill_size: the bytes past that in bigger blocks may hold an earlier allocation's data and are not scanned for pointers (redzones still are).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PartialFillWarning : SweepWarning
{
    /// <summary>The bytes filled (max_malloc_fill_size).</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? FillLimit { get; init; }
}
