// CollectedRetainedCallbackFinding.cs: the shape "collected-retained-callback" (collected-delegate-callback): a word of native memory holds the entry of a retained callback whose delegate was collected.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory (the holder) holds the entry of a retained callback (the range) whose delegate was
/// collected and whose range the finalizer has not released yet. Kind <c>collected-delegate-callback</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CollectedRetainedCallbackFinding : Finding;
