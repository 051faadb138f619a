// CollectedCallScopedCallbackWordFinding.cs: the shape "collected-call-callback-word" (collected-delegate-callback): a word of native memory holds the entry of a callback passed for one call whose delegate was collected.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory holds the entry of a callback passed to native code for one P/Invoke call (the allocation site), whose delegate the GC has collected since. Kind <c>collected-delegate-callback</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CollectedCallScopedCallbackWordFinding : Finding;
