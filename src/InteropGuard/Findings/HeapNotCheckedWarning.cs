// HeapNotCheckedWarning.cs: the warning shape "heap-not-checked": a GC stayed in progress through every retry, so the sweep checked native memory but not the managed heap.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A garbage collection stayed in progress through every attempt of a sweep: native memory was checked, the managed heap was not.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record HeapNotCheckedWarning : SweepWarning
{
    /// <summary>How many times the sweep stopped the target.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Attempts { get; init; }
}
