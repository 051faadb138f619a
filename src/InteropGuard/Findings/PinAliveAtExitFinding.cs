// PinAliveAtExitFinding.cs: the shape "pin-alive-at-exit" (leaked-pin): a pin or GC handle still alive when the target exits.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A pin or pinned GC handle (the range) still alive when the target exits. Kind <c>leaked-pin</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PinAliveAtExitFinding : Finding
{
    /// <summary>Its age in nanoseconds.</summary>
    [JsonConverter(typeof(LenientUInt64JsonConverter))]
    public ulong? AgeNs { get; init; }
}
