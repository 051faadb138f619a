// UnmappedViewWordFinding.cs: the shape "unmapped-view-word" (use-after-unmap): a word of native memory points into a memory-mapped view that was unmapped.
namespace InteropGuard.Findings;

/// <summary>A word of native memory points into a memory-mapped view that was released (unmapped). Kind <c>use-after-unmap</c>.</summary>
public sealed record UnmappedViewWordFinding : Finding;
