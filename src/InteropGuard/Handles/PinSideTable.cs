// PinSideTable.cs: released managed pins by range id, with a weak handle to the pinned object, so use-after-unpin is confirmed before it is reported.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.Handles;

/// <summary>What a pin the shared table holds recorded (one its thread's pin log could not hold; the others:
/// <see cref="PinLogHandles"/>): a weak handle to the object and where its bytes started. A ring of the last
/// <c>release_history</c> released pins (the oldest entry and its weak handle are freed when a new one takes its
/// place). Adding is the hot path (every pin release): one uncontended lock and three stores. Looking an id up is the
/// report path (a pointer into a released pin reached a call): a vectorized scan of the ring's ids.</summary>
internal static class PinSideTable
{
    private static readonly Lock s_lock = new();
    private static ulong[] s_ids = [];
    private static Entry[] s_entries = [];
    private static int s_next;

    /// <summary>Records a released pin; the table owns <paramref name="weak"/> from now on.</summary>
    public static void Add(ulong id, GCHandle weak, nint recordedStart, nint byteOffset)
    {
        int capacity = Math.Max(0, GuardRuntime.Options.ReleaseHistory);
        if (id == 0 || !weak.IsAllocated || capacity == 0)
        {
            if (weak.IsAllocated)
            {
                weak.Free();
            }

            return;
        }

        GCHandle evicted;
        lock (s_lock)
        {
            if (s_next == s_ids.Length)
            {
                Grow(capacity);
            }

            int slot = s_next;
            s_next = slot + 1 == capacity ? 0 : slot + 1;
            evicted = s_entries[slot].Weak;
            s_ids[slot] = id;
            s_entries[slot] = new Entry(weak, recordedStart, byteOffset);
        }

        if (evicted.IsAllocated)
        {
            evicted.Free();
        }
    }

    /// <summary>True when the object of released pin <paramref name="id"/> is still alive at the address the pin
    /// recorded (the GC neither moved nor collected it), with the object in <paramref name="target"/>; false when moved,
    /// collected, or not remembered. A pin of a pin log is confirmed by its slot's handle (<see cref="PinLogHandles"/>)
    /// against <paramref name="recordedStart"/>, the range's start.</summary>
    public static bool IsStillInPlace(ulong id, nint recordedStart, [NotNullWhen(true)] out object? target)
    {
        if (PinLogHandles.IsLogId(id))
        {
            return PinLogHandles.IsStillInPlace(id, recordedStart, out target);
        }

        target = null;
        Entry e;
        lock (s_lock)
        {
            int slot = id == 0 ? -1 : s_ids.AsSpan().IndexOf(id);
            if (slot < 0)
            {
                return false;
            }

            e = s_entries[slot];
            target = e.Weak.Target; // under the lock: eviction cannot free the handle meanwhile
        }

        nint data = DataAddress(target);
        return target is not null && data != 0 && data + e.ByteOffset == e.RecordedStart;
    }

    // The ring starts small and doubles up to `capacity` before it first wraps (so its slots stay in release order),
    // so a program that releases few pins never holds release_history entries. Under s_lock.
    private static void Grow(int capacity)
    {
        int size = Math.Min(capacity, Math.Max(1024, s_ids.Length * 2));
        Array.Resize(ref s_ids, size);
        Array.Resize(ref s_entries, size);
    }

    /// <summary>The address of the first data byte of an array or string right now (0 for anything else or null).</summary>
    public static unsafe nint DataAddress(object? target) => target switch
    {
        string s => (nint)Unsafe.AsPointer(ref Unsafe.AsRef(in s.GetPinnableReference())),
        Array a => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a)),
        _ => 0,
    };

    private readonly record struct Entry(GCHandle Weak, nint RecordedStart, nint ByteOffset);
}
