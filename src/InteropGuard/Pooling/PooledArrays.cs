// PooledArrays.cs: the process-wide view of every guarded pool's arrays: array -> record (and, on the report path, released range -> record), the pools themselves; read by Guard.Pin, Guard.Check's slow path and Guard.Verify.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Pooling;

/// <summary>A guarded pool as the process-wide sweep sees it.</summary>
internal interface IGuardedPool
{
    /// <summary>Checks the poison of every quarantined array; returns the violations (not yet reported).</summary>
    List<Violation> VerifyQuarantine(SourceSite? site, bool byVerify);
}

/// <summary>Records of the arrays of all guarded pools. Costs nothing until the first guarded rent.</summary>
internal static class PooledArrays
{
    private static readonly ConditionalWeakTable<Array, PooledArrayRecord> s_records = new();
    private static readonly List<WeakReference<IGuardedPool>> s_pools = [];
    private static volatile bool s_inUse;
    private static int s_rented;

    /// <summary>True once a guarded pool rented or took back an array (Guard.Pin looks for pooled arrays only then).</summary>
    public static bool InUse => s_inUse;

    /// <summary>True while some guarded pool's array is rented (one rented and never returned keeps it true).</summary>
    public static bool AnyRented => Volatile.Read(ref s_rented) > 0;

    /// <summary>Counts arrays entering (+1) and leaving (-1) the rented state.</summary>
    public static void CountRented(int delta) => Interlocked.Add(ref s_rented, delta);

    /// <summary>The record of <paramref name="array"/>; null when no guarded pool has seen it.</summary>
    public static PooledArrayRecord? Find(Array array) => s_records.TryGetValue(array, out PooledArrayRecord? r) ? r : null;

    /// <summary>The record of <paramref name="array"/>, created on first sight.</summary>
    public static PooledArrayRecord GetOrAdd(Array array, nint byteLength, bool pinnedMemory)
    {
        if (!s_inUse)
        {
            s_inUse = true;
        }

        return s_records.TryGetValue(array, out PooledArrayRecord? record) ? record : Add(array, byteLength, pinnedMemory);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PooledArrayRecord Add(Array array, nint byteLength, bool pinnedMemory) =>
        s_records.GetValue(array, _ => new PooledArrayRecord(byteLength, pinnedMemory));

    /// <summary>The record behind released range <paramref name="id"/> when the array is provably still returned: held in a
    /// quarantine or idle in a guarded pool's private pool, at the address it had when returned. Null otherwise (rented
    /// again, gone to a wrapped pool, moved): then the boundary cannot know, and stays silent.</summary>
    public static PooledArrayRecord? ConfirmReturned(ulong id)
    {
        if (id == 0)
        {
            return null;
        }

        // A scan of the records, on the report path only: a map from range ids kept on every return and rent cost more
        // than the rest of the pool's bookkeeping together.
        foreach (KeyValuePair<Array, PooledArrayRecord> pair in s_records)
        {
            PooledArrayRecord record = pair.Value;
            if (record.RangeId != id || record.RangeLive)
            {
                continue;
            }

            Array? held = record.Held;
            if (record.State is not (PooledArrayState.Quarantined or PooledArrayState.Idle) || held is null)
            {
                return null;
            }

            return PooledArrayRecord.DataAddress(held) == record.ReturnAddress ? record : null;
        }

        return null;
    }

    /// <summary>Guard.Pin of <paramref name="target"/>: if it is a rented pooled array, its return checks the pin.</summary>
    public static void NotePin(object? target, Pin pin, string member, string file, int line)
    {
        if (!AnyRented || target is not Array array || pin.Id == 0)
        {
            return; // no pooled array rented now, not an array, or an untracked pin
        }

        if (s_records.TryGetValue(array, out PooledArrayRecord? record) && record.State == PooledArrayState.Rented)
        {
            record.NotePin(pin, SiteRegistry.GetFromCaller(member, file, line));
        }
    }

    /// <summary>Registers a pool for <see cref="VerifyAll"/>.</summary>
    public static void AddPool(IGuardedPool pool)
    {
        lock (s_pools)
        {
            s_pools.RemoveAll(static w => !w.TryGetTarget(out _));
            s_pools.Add(new WeakReference<IGuardedPool>(pool));
        }
    }

    /// <summary>The poison check of every quarantine of every live guarded pool (Guard.Verify); not yet reported.</summary>
    public static List<Violation> VerifyAll(SourceSite? site)
    {
        var found = new List<Violation>();
        if (!s_inUse)
        {
            return found;
        }

        IGuardedPool[] pools;
        lock (s_pools)
        {
            var live = new List<IGuardedPool>(s_pools.Count);
            foreach (WeakReference<IGuardedPool> w in s_pools)
            {
                if (w.TryGetTarget(out IGuardedPool? pool))
                {
                    live.Add(pool);
                }
            }

            pools = [.. live];
        }

        foreach (IGuardedPool pool in pools)
        {
            found.AddRange(pool.VerifyQuarantine(site, byVerify: true));
        }

        return found;
    }
}
