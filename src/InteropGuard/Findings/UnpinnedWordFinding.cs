// UnpinnedWordFinding.cs: the shape "unpinned-word" (unpinned-managed-pointer): a word of native memory points into a live managed object that nothing pins.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory (the holder) points into a live managed object (the object fields) that no pinned handle, POH or frozen segment, or <c>fixed</c> stack root pins. Kind <c>unpinned-managed-pointer</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UnpinnedWordFinding : Finding;
