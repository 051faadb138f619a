// ReleasedCallbackWordFinding.cs: the shape "released-callback-word" (collected-delegate-callback): a word of native memory holds the entry of a callback that was released.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory holds the entry (function pointer) of a retained callback that was released. Kind <c>collected-delegate-callback</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ReleasedCallbackWordFinding : Finding;
