// ScanHolder.cs: what holds the words a sweep scans (a native block, a registered region, a library's data segment).
using InteropGuard.Findings;
using InteropGuard.Validator.Table;

namespace InteropGuard.Validator.Scan;

/// <summary>The memory being scanned: where it starts, how big it is, who made it; <paramref name="Record"/> for a
/// native block (its allocation site is read only when a finding needs it); <paramref name="How"/> for a native-heap block (the allocating function).</summary>
internal readonly record struct ScanHolder(HolderKind Kind, ulong Start, ulong Size, FindingSite? Site, string? Library, RangeRecord? Record = null, string? How = null);
