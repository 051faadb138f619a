// CollectedRetainedPinFinding.cs: the shape "collected-retained-pin" (dangling-managed-pointer): a retained pin still live whose object was collected.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A retained pin (the range) is still live, but its object was collected. Kind <c>dangling-managed-pointer</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CollectedRetainedPinFinding : Finding;
