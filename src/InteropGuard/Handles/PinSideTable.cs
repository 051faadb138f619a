// PinSideTable.cs: released managed pins by range id, with a weak handle to the pinned object, so use-after-unpin is confirmed before it is reported.
using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.Handles;

/// <summary>What a pin recorded: a weak handle to the object and where its bytes started. Bounded by
/// <c>release_history</c> (oldest entries and their weak handles are freed first).</summary>
internal static class PinSideTable
{
    private static readonly ConcurrentDictionary<ulong, Entry> s_entries = new();
    private static readonly ConcurrentQueue<ulong> s_order = new();

    /// <summary>Records a released pin; the table owns <paramref name="weak"/> from now on.</summary>
    public static void Add(ulong id, GCHandle weak, nint recordedStart, nint byteOffset)
    {
        if (id == 0 || !weak.IsAllocated)
        {
            if (weak.IsAllocated)
            {
                weak.Free();
            }

            return;
        }

        if (!s_entries.TryAdd(id, new Entry(weak, recordedStart, byteOffset)))
        {
            weak.Free();
            return;
        }

        s_order.Enqueue(id);
        int limit = Math.Max(0, GuardRuntime.Options.ReleaseHistory);
        while (s_order.Count > limit && s_order.TryDequeue(out ulong old))
        {
            if (s_entries.TryRemove(old, out Entry e))
            {
                e.Weak.Free();
            }
        }
    }

    /// <summary>True when the object of released pin <paramref name="id"/> is still alive at the address the pin
    /// recorded (the GC neither moved nor collected it); false when moved, collected, or not remembered.</summary>
    public static bool IsStillInPlace(ulong id)
    {
        if (!s_entries.TryGetValue(id, out Entry e))
        {
            return false;
        }

        object? target;
        try
        {
            target = e.Weak.Target;
        }
        catch (InvalidOperationException)
        {
            return false; // freed concurrently by eviction
        }

        nint data = DataAddress(target);
        return data != 0 && data + e.ByteOffset == e.RecordedStart;
    }

    /// <summary>True when an entry exists for <paramref name="id"/>.</summary>
    public static bool Contains(ulong id) => s_entries.ContainsKey(id);

    /// <summary>The address of the first data byte of an array or string right now (0 for anything else or null).</summary>
    public static unsafe nint DataAddress(object? target) => target switch
    {
        string s => (nint)Unsafe.AsPointer(ref Unsafe.AsRef(in s.GetPinnableReference())),
        Array a => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a)),
        _ => 0,
    };

    private readonly record struct Entry(GCHandle Weak, nint RecordedStart, nint ByteOffset);
}
