// DroppedHeapBlocksWarning.cs: the warning shape "dropped-heap-blocks": native-heap blocks were left untracked because the registry's slots were full.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Native-heap blocks left untracked because the registry's slots around them were full.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record DroppedHeapBlocksWarning : SweepWarning
{
    /// <summary>How many blocks.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Count { get; init; }

    /// <summary>The registry's capacity (native_heap_blocks).</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Capacity { get; init; }
}
