// CollectedRetainedCallbackFinding.cs: the shape "collected-retained-callback" (collected-delegate-callback): a callback still retained by native code whose delegate was collected.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A callback native code still retains (the range), whose delegate was collected. Kind <c>collected-delegate-callback</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CollectedRetainedCallbackFinding : Finding;
