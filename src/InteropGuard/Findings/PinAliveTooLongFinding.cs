// PinAliveTooLongFinding.cs: the shape "pin-alive-too-long" (leaked-pin): a pin or callback handle alive longer than pin_leak_ms.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A pin or callback handle (the range) alive longer than <c>pin_leak_ms</c>. Kind <c>leaked-pin</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PinAliveTooLongFinding : Finding
{
    /// <summary>Its age in nanoseconds.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? AgeNs { get; init; }

    /// <summary>The <c>pin_leak_ms</c> it exceeded.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? PinLeakMs { get; init; }
}
