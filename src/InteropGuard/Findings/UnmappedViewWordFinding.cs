// UnmappedViewWordFinding.cs: the shape "unmapped-view-word" (use-after-unmap): a word of native memory points into a memory-mapped view that was unmapped.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory points into a memory-mapped view that was released (unmapped). Kind <c>use-after-unmap</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UnmappedViewWordFinding : Finding;
