// MovedRetainedPinFinding.cs: the shape "moved-retained-pin" (dangling-managed-pointer): a retained pin that no longer covers its object.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A retained pin (the range) no longer covers its object, which now lives elsewhere. Kind <c>dangling-managed-pointer</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record MovedRetainedPinFinding : Finding
{
    /// <summary>Where the object lives now.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? ObjectNowAt { get; init; }
}
