// CollectedRetainedPinFinding.cs: the shape "collected-retained-pin" (dangling-managed-pointer): a retained pin still live whose object was collected.
namespace InteropGuard.Findings;

/// <summary>A retained pin (the range) is still live, but its object was collected. Kind <c>dangling-managed-pointer</c>.</summary>
public sealed record CollectedRetainedPinFinding : Finding;
