// FreedBlockWordFinding.cs: the shape "freed-block-word" (native-use-after-free): a word of native memory points into a freed (quarantined) native block.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A word of native memory points into (or before) a native block that was freed (the range fields, with the free site and time). Kind <c>native-use-after-free</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record FreedBlockWordFinding : Finding;
