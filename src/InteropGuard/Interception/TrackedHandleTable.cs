// TrackedHandleTable.cs: the pinned GCHandles PinnedHandles tracks, by handle value: a lock-free add at Alloc and take at Free in buckets of eight slots, with a locked dictionary for a bucket that is full.
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.Interception;

/// <summary>What a tracked pinned handle needs at Free: its pin's id, the weak handle of a pin the shared table holds
/// (default for a pin-log pin), and its first pinned byte.</summary>
internal readonly record struct TrackedHandle(ulong Id, GCHandle Weak, nint Pointer);

/// <summary>Tracked pinned handles by handle value. A handle hashes to one bucket of eight slots (one cache line of keys);
/// a slot's key is 0 when free, -1 while its value is written, else the handle. Add claims a free slot with a
/// compare-and-swap and publishes the key after the value; Take reads the value and then frees the slot by swapping the
/// key back to 0, so a take that wins owns the value it read (the value is only written while the key is -1). A handle
/// whose bucket is full goes to a dictionary under a lock, which a take consults only while it holds something. Every
/// intercepted <c>GCHandle.Free</c> takes, so a handle that is not tracked costs a scan of one bucket.</summary>
internal static class TrackedHandleTable
{
    private const int BucketBits = 9;
    private const int SlotsPerBucket = 8;
    private const nint Writing = -1;

    private static readonly nint[] s_keys = new nint[SlotsPerBucket << BucketBits];
    private static readonly TrackedHandle[] s_values = new TrackedHandle[SlotsPerBucket << BucketBits];
    private static readonly Lock s_overflowLock = new();
    private static readonly Dictionary<nint, TrackedHandle> s_overflow = [];
    private static int s_overflowCount;

    /// <summary>Tracks <paramref name="handle"/> (a nonzero handle value); an entry of the same value, left by a handle
    /// freed where no interceptor saw it, is replaced.</summary>
    public static void Add(nint handle, TrackedHandle value)
    {
        int first = Bucket(handle);
        int free = -1;
        for (int slot = first; slot < first + SlotsPerBucket; slot++)
        {
            nint key = Volatile.Read(ref s_keys[slot]);
            if (key == handle && Interlocked.CompareExchange(ref s_keys[slot], Writing, handle) == handle)
            {
                Publish(slot, handle, value);
                return;
            }

            if (key == 0 && free < 0)
            {
                free = slot;
            }
        }

        for (int slot = free < 0 ? first + SlotsPerBucket : free; slot < first + SlotsPerBucket; slot++)
        {
            if (Volatile.Read(ref s_keys[slot]) == 0 && Interlocked.CompareExchange(ref s_keys[slot], Writing, 0) == 0)
            {
                Publish(slot, handle, value);
                return;
            }
        }

        AddOverflow(handle, value);
    }

    /// <summary>Stops tracking <paramref name="handle"/>: true with its value when it was tracked.</summary>
    public static bool TryTake(nint handle, out TrackedHandle value)
    {
        int first = Bucket(handle);
        for (int slot = first; slot < first + SlotsPerBucket; slot++)
        {
            if (Volatile.Read(ref s_keys[slot]) == handle)
            {
                value = s_values[slot];
                if (Interlocked.CompareExchange(ref s_keys[slot], 0, handle) == handle)
                {
                    return true;
                }
            }
        }

        if (Volatile.Read(ref s_overflowCount) == 0)
        {
            value = default;
            return false;
        }

        return TakeOverflow(handle, out value);
    }

    /// <summary>Every tracked handle now (a handle being added or taken meanwhile may be in it or not).</summary>
    public static List<KeyValuePair<nint, TrackedHandle>> Snapshot()
    {
        var all = new List<KeyValuePair<nint, TrackedHandle>>();
        for (int slot = 0; slot < s_keys.Length; slot++)
        {
            nint key = Volatile.Read(ref s_keys[slot]);
            if (key is 0 or Writing)
            {
                continue;
            }

            TrackedHandle value = s_values[slot];
            if (Volatile.Read(ref s_keys[slot]) == key)
            {
                all.Add(new KeyValuePair<nint, TrackedHandle>(key, value));
            }
        }

        lock (s_overflowLock)
        {
            all.AddRange(s_overflow);
        }

        return all;
    }

    private static void Publish(int slot, nint handle, TrackedHandle value)
    {
        s_values[slot] = value;
        Volatile.Write(ref s_keys[slot], handle);
    }

    // The first slot of the handle's bucket: Fibonacci hashing of the handle value (handles are 8-byte aligned
    // addresses in the runtime's handle table).
    internal static int Bucket(nint handle) => (int)(((ulong)handle * 0x9E3779B97F4A7C15ul) >> (64 - BucketBits)) * SlotsPerBucket;

    private static void AddOverflow(nint handle, TrackedHandle value)
    {
        lock (s_overflowLock)
        {
            s_overflow[handle] = value;
            Volatile.Write(ref s_overflowCount, s_overflow.Count);
        }
    }

    private static bool TakeOverflow(nint handle, out TrackedHandle value)
    {
        lock (s_overflowLock)
        {
            bool found = s_overflow.Remove(handle, out value);
            Volatile.Write(ref s_overflowCount, s_overflow.Count);
            return found;
        }
    }
}
