// ReleasedPinWordFinding.cs: the shape "released-pin-word" (use-after-unpin): a word of native memory points into a pin that was released.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A word of native memory points into a managed range whose pin was released (<see cref="Finding.RangeFlags"/> tells a pinned string and a pin made only for one P/Invoke call). Kind <c>use-after-unpin</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ReleasedPinWordFinding : Finding
{
    /// <summary>Where the pin's object lives now; null when unknown or collected.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? ObjectNowAt { get; init; }

    /// <summary>True when the pin's object was collected since.</summary>
    [JsonConverter(typeof(LenientBooleanJsonConverter))]
    public bool? ObjectCollected { get; init; }
}
