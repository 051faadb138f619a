// DamagedRedzoneFinding.cs: the shape "damaged-redzone" (native-buffer-overflow): a redzone of a live native block was overwritten between calls.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A redzone canary of a live native block (the range) was overwritten between calls; <see cref="Finding.Detail"/> is the distance of the first damaged byte. Kind <c>native-buffer-overflow</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record DamagedRedzoneFinding : Finding
{
    /// <summary>How many redzone bytes differ from the canary.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? DamagedBytes { get; init; }

    /// <summary>The canary byte.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Canary { get; init; }

    /// <summary>The byte found at the first damaged place.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Found { get; init; }
}
