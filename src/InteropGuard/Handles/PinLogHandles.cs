// PinLogHandles.cs: registers explicit pins (Guard.Pin, tracked pinned GCHandles, rented pool arrays) in the calling thread's pin log and keeps one reused weak GC handle per log slot, so a released pin can be confirmed without a handle allocated per pin.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Native;
using InteropGuard.Shadow;

namespace InteropGuard.Handles;

/// <summary>The managed half of the pin logs (native/include/interopguard.h, "Explicit pins in per-thread pin logs").
/// Each slot of a log has one weak GC handle, allocated the first time the slot is used and given to the native slot as
/// its <c>user_tag</c>; every later pin in that slot only sets the handle's target to its object. The validator reads
/// <c>*user_tag</c> of a released pin to say where its object went, and <see cref="IsStillInPlace"/> confirms a
/// use-after-unpin with it, for as long as the slot still holds that pin (until its thread registered
/// <c>IG_PIN_LOG_SLOTS</c> more). A record that gives the slot another tag (a pin without an object, a call-scoped
/// callback with its site's cell) leaves the handle out of the slot: the next pin there gives it back. A pin the log
/// cannot hold (every slot live) goes to the shared table and gets a weak handle of its own, which the caller hands to
/// <see cref="PinSideTable"/> at release as before.</summary>
internal static unsafe class PinLogHandles
{
    private const ulong KeepTag = ulong.MaxValue; // IG_PIN_TAG_KEEP

    private static readonly Lock s_grow = new();
    private static Entry[]?[] s_logs = new Entry[]?[8];

    /// <summary>True for a pin-log id (else a table id).</summary>
    public static bool IsLogId(ulong id) => (id & IgConstants.PinLogIdTag) == IgConstants.PinLogIdTag;

    /// <summary>Registers a live pin of <paramref name="target"/>'s bytes [<paramref name="start"/>, +<paramref name="size"/>)
    /// and returns its id, 0 when it is not tracked (the table is full too: warned once per <paramref name="what"/>).
    /// <paramref name="ownWeak"/> is a weak handle the caller owns from now on (a pin the log could not hold, with an
    /// object), else default.</summary>
    /// <param name="target">The pinned object; null for memory without one (native memory behind a MemoryManager).</param>
    /// <param name="start">First pinned byte.</param>
    /// <param name="size">Pinned bytes.</param>
    /// <param name="flags">IG_RANGE_F_* flags.</param>
    /// <param name="site">The site that pinned.</param>
    /// <param name="byteOffset">Where <paramref name="start"/> lies from the object's first data byte.</param>
    /// <param name="what">Plural noun for the table-full warning.</param>
    /// <param name="ownWeak">A weak handle for the caller to keep, or default.</param>
    public static ulong Register(object? target, void* start, nuint size, uint flags, uint site, nint byteOffset, string what, out GCHandle ownWeak)
    {
        ownWeak = default;
        ulong id;
        IgStatus status = InterceptionNative.PinRegister(start, size, flags, site, target is null ? 0 : KeepTag, &id);
        if (status != IgStatus.Ok)
        {
            if (status == IgStatus.TableFull)
            {
                RangeRegistration.WarnTableFull(what);
            }

            return 0;
        }

        if (!IsLogId(id))
        {
            return RegisterInTable(id, target, out ownWeak);
        }

        ref Entry e = ref EntryOf(id);
        Volatile.Write(ref e.Id, 0UL); // a reader that sees this slot change between its two reads of Id gives up
        if (target is null)
        {
            e.TagLost = e.Weak.IsAllocated; // registered with user_tag 0: nothing to confirm, and the slot's tag is gone
            return id;
        }

        if (!e.Weak.IsAllocated)
        {
            NewSlotHandle(ref e, id, target);
        }
        else
        {
            if (!ReferenceEquals(e.Weak.Target, target))
            {
                e.Weak.Target = target; // reading the handle is a load, setting it a call into the runtime: skip an equal write
            }

            if (e.TagLost)
            {
                InterceptionNative.PinSetTag(id, (ulong)GCHandle.ToIntPtr(e.Weak)); // a callback held the slot before
                e.TagLost = false;
            }
        }

        e.ByteOffset = byteOffset;
        Volatile.Write(ref e.Id, id);
        return id;
    }

    /// <summary>Notes that a call-scoped callback took log slot <paramref name="id"/> with a user_tag of its own (its call
    /// site's cell): the slot no longer holds the pin its entry describes, and the next pin there sets the slot's handle as
    /// its tag again instead of keeping the slot's. A table id is ignored.</summary>
    public static void SlotRetagged(ulong id)
    {
        if (!IsLogId(id))
        {
            return;
        }

        ref Entry e = ref EntryOf(id);
        Volatile.Write(ref e.Id, 0UL); // the pin this entry described is gone from the slot
        e.TagLost = e.Weak.IsAllocated;
    }

    /// <summary>True when the object of released log pin <paramref name="id"/> is still alive with its bytes at
    /// <paramref name="recordedStart"/> (the GC neither moved nor collected it), with the object in
    /// <paramref name="target"/>; false when moved, collected, or forgotten (the slot holds a newer pin).</summary>
    public static bool IsStillInPlace(ulong id, nint recordedStart, [NotNullWhen(true)] out object? target)
    {
        target = null;
        Entry[]? log = LogOf(id);
        if (log is null)
        {
            return false;
        }

        ref Entry e = ref log[(int)(id & 0xFFF)];
        if (Volatile.Read(ref e.Id) != id || !e.Weak.IsAllocated)
        {
            return false;
        }

        object? found = e.Weak.Target;
        nint offset = e.ByteOffset;
        if (Volatile.Read(ref e.Id) != id)
        {
            return false; // the slot was taken by a newer pin while we read it
        }

        nint data = PinSideTable.DataAddress(found);
        target = found;
        return found is not null && data != 0 && data + offset == recordedStart;
    }

    /// <summary>The object of log pin <paramref name="id"/> while its slot still holds that pin (live, or released and
    /// not yet followed by IG_PIN_LOG_SLOTS more pins of its thread); null when collected or forgotten.</summary>
    public static object? TargetOf(ulong id)
    {
        Entry[]? log = LogOf(id);
        if (log is null)
        {
            return null;
        }

        ref Entry e = ref log[(int)(id & 0xFFF)];
        if (Volatile.Read(ref e.Id) != id || !e.Weak.IsAllocated)
        {
            return null;
        }

        object? found = e.Weak.Target;
        return Volatile.Read(ref e.Id) == id ? found : null;
    }

    private static ulong RegisterInTable(ulong id, object? target, out GCHandle ownWeak)
    {
        ownWeak = default;
        if (target is not null)
        {
            ownWeak = GCHandle.Alloc(target, GCHandleType.Weak);
            InterceptionNative.PinSetTag(id, (ulong)GCHandle.ToIntPtr(ownWeak));
        }

        return id;
    }

    // The first pin of a slot: its handle for good (freed never: a slot is reused as long as the process runs).
    private static void NewSlotHandle(ref Entry e, ulong id, object target)
    {
        e.Weak = GCHandle.Alloc(target, GCHandleType.Weak);
        InterceptionNative.PinSetTag(id, (ulong)GCHandle.ToIntPtr(e.Weak));
    }

    private static ref Entry EntryOf(ulong id)
    {
        Entry[]? log = LogOf(id) ?? NewLog((int)((id >> 12) & 0xFFFFF));
        return ref log[(int)(id & 0xFFF)];
    }

    private static Entry[]? LogOf(ulong id)
    {
        int index = (int)((id >> 12) & 0xFFFFF);
        Entry[]?[] logs = Volatile.Read(ref s_logs);
        return index < logs.Length ? logs[index] : null;
    }

    // A log seen for the first time (a new thread's first pin): its slots' entries. Rare, so under a lock.
    private static Entry[] NewLog(int index)
    {
        lock (s_grow)
        {
            Entry[]?[] logs = s_logs;
            if (index >= logs.Length)
            {
                Array.Resize(ref logs, Math.Max(index + 1, logs.Length * 2));
            }

            Entry[] log = logs[index] ??= new Entry[IgConstants.PinLogSlots];
            Volatile.Write(ref s_logs, logs);
            return log;
        }
    }

    private struct Entry
    {
        public GCHandle Weak;   // the slot's weak handle (its native user_tag): the last pin's object
        public nint ByteOffset; // where that pin's bytes start from the object's first data byte
        public ulong Id;        // that pin's id; 0 while the entry changes
        public bool TagLost;    // another record's tag (a call-scoped callback's cell, an objectless pin's 0) is the slot's user_tag
    }
}
