// HeapWordInGcReservationWarning.cs: the warning shape "heap-word-in-gc-reservation": a native library's heap holds a word inside the GC's reservation but in no region in use; such words are taken for data.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A native library's heap holds a word inside the GC's reservation but in no region in use: such words are taken for data and not reported (verbosity=1).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record HeapWordInGcReservationWarning : SweepWarning
{
    /// <summary>The word.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? Word { get; init; }
}
