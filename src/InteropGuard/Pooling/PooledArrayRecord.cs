// PooledArrayRecord.cs: what a guarded pool knows about one of its arrays (state, rent and return sites, its shadow-table range, live pins); changed under the owning pool's lock.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Native;

namespace InteropGuard.Pooling;

/// <summary>Where a pooled array is in its life.</summary>
internal enum PooledArrayState
{
    /// <summary>In a user's hands.</summary>
    Rented = 0,
    /// <summary>Returned, poisoned and held in a guarded pool's quarantine.</summary>
    Quarantined = 1,
    /// <summary>Left the quarantine into the guarded pool's own (private, POH) pool: returned and provably unused.</summary>
    Idle = 2,
    /// <summary>Left the quarantine into a wrapped pool, or dropped: nothing is known any more.</summary>
    Gone = 3,
}

/// <summary>One array of a <see cref="GuardedArrayPool{T}"/>. Lives as long as its array (a ConditionalWeakTable value);
/// an array that is never returned takes its record, and the record's live range, with it (see the finalizer), once its
/// pool has rented another (the pool remembers the array it rented last).</summary>
internal sealed unsafe class PooledArrayRecord
{
    private List<(Pin Pin, SourceSite Site)>? _pins;
    private int _state;

    public PooledArrayRecord(nint byteLength, bool pinnedMemory)
    {
        ByteLength = byteLength;
        PinnedMemory = pinnedMemory;
        _state = (int)PooledArrayState.Gone; // not rented until a pool says so (and counts it)
    }

    /// <summary>Finalizer: the array was collected while its range is live (rented and never returned, which ArrayPool
    /// allows): release the range so the table does not claim memory the GC will reuse.</summary>
    ~PooledArrayRecord()
    {
        ulong id = RangeId;
        if (RangeLive && id != 0 && GuardRuntime.Enabled)
        {
            IgNative.ig_range_release(id, 0, null);
        }
    }

    /// <summary>Bytes of the array.</summary>
    public nint ByteLength { get; }

    /// <summary>True when the guarded pool allocated the array on the pinned object heap: its address never changes.</summary>
    public bool PinnedMemory { get; }

    /// <summary>Where the array is; entering and leaving Rented is counted (<see cref="PooledArrays.AnyRented"/>). Set
    /// only under the lock of the guarded pool that holds the array (one pool at a time does), read by anyone.</summary>
    public PooledArrayState State
    {
        get => (PooledArrayState)Volatile.Read(ref _state);
        set
        {
            var old = (PooledArrayState)_state;
            Volatile.Write(ref _state, (int)value);
            if ((old == PooledArrayState.Rented) != (value == PooledArrayState.Rented))
            {
                PooledArrays.CountRented(value == PooledArrayState.Rented ? 1 : -1);
            }
        }
    }

    /// <summary>The guarded pool that rented or holds it (object: the pools are generic).</summary>
    public object? Pool { get; set; }

    /// <summary>The array while it is quarantined or idle (held anyway then); null while rented, so a record never keeps
    /// a rented array alive.</summary>
    public Array? Held { get; set; }

    public SourceSite? RentSite { get; set; }

    public SourceSite? ReturnSite { get; set; }

    /// <summary>Monotonic ns of the last return.</summary>
    public ulong ReturnNs { get; set; }

    /// <summary>Address of the first byte when returned.</summary>
    public nint ReturnAddress { get; set; }

    /// <summary>Return(clearArray: true): cleared when it leaves the quarantine.</summary>
    public bool ClearOnExit { get; set; }

    /// <summary>The shadow-table range of the current rent (live) or the last return (released); 0 = none.</summary>
    public ulong RangeId { get; set; }

    /// <summary>True while <see cref="RangeId"/> is live (a rented POH array).</summary>
    public bool RangeLive { get; set; }

    /// <summary>Remembers a Guard.Pin taken on the array while it is rented.</summary>
    public void NotePin(Pin pin, SourceSite site)
    {
        lock (this)
        {
            (_pins ??= []).Add((pin, site));
        }
    }

    /// <summary>The site of a pin on the array that is still live; null when none is.</summary>
    public SourceSite? LivePinSite()
    {
        if (Volatile.Read(ref _pins) is null)
        {
            return null; // never pinned while rented: no lock needed to know it
        }

        lock (this)
        {
            if (_pins is null)
            {
                return null;
            }

            _pins.RemoveAll(static p => p.Pin.IsReleased);
            return _pins.Count == 0 ? null : _pins[0].Site;
        }
    }

    public void ClearPins()
    {
        if (Volatile.Read(ref _pins) is null)
        {
            return;
        }

        lock (this)
        {
            _pins = null;
        }
    }

    /// <summary>The address of the first byte of <paramref name="array"/> right now.</summary>
    public static unsafe nint DataAddress(Array array) =>
        (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
}
