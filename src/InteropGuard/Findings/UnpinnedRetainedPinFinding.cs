// UnpinnedRetainedPinFinding.cs: the shape "unpinned-retained-pin" (unpinned-managed-pointer): a retained pin whose object nothing pins.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A retained pin (the range) covers an object that no pinned handle, POH or frozen segment, or <c>fixed</c> stack root pins. Kind <c>unpinned-managed-pointer</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UnpinnedRetainedPinFinding : Finding
{
    /// <summary>The object's address as the pin's handle gives it.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? ObjectNowAt { get; init; }
}
