// ReportedOverflows.cs: the live native blocks whose damaged redzone Guard.Verify already reported, so that the same
// damage is not reported again by a later Verify or by the block's free.
using System.Collections.Concurrent;
using System.Threading;

namespace InteropGuard.Checks;

/// <summary>One overflow, one report: <see cref="Guard.Verify"/> records the range id of each block it reports; a later
/// Verify skips it, and its free (which finds the same canaries damaged) stays quiet and forgets it. Empty until Verify
/// finds damage, so the free path costs one branch.</summary>
internal static class ReportedOverflows
{
    private static readonly ConcurrentDictionary<ulong, byte> s_ids = new();
    private static bool s_any;

    /// <summary>Records that the damage of block <paramref name="rangeId"/> was reported; false when it was already.</summary>
    public static bool Add(ulong rangeId)
    {
        Volatile.Write(ref s_any, true);
        return s_ids.TryAdd(rangeId, 0);
    }

    /// <summary>True (once) when the damage of block <paramref name="rangeId"/> was reported already: its free says nothing.</summary>
    public static bool TakeAtFree(ulong rangeId) => Volatile.Read(ref s_any) && s_ids.TryRemove(rangeId, out _);
}
