// CallRegionReader.cs: reads every thread's call region (in-flight and recently ended call-scoped pins) from the stopped target, as range records the sweep indexes with the table's.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Table;

/// <summary>Walks the list of call regions from the table header's call_regions (interopguard.h, "Call-scoped pins")
/// and turns each whole entry into a <see cref="RangeRecord"/>: an in-flight pin is a LIVE MANAGED_PIN range, an ended one
/// RELEASED, both flagged CALL_SCOPED with the call as alloc and release site. Bounded: at most
/// <see cref="MaxRegions"/> regions (a list longer than that, or a loop, is garbage); an unreadable region is counted.</summary>
internal static class CallRegionReader
{
    private const int MaxRegions = 1 << 16;

    /// <summary>Ids of call pins: the top bit set (a table id's slot never reaches it), then the region's ordinal and the
    /// entry's position, so a finding's range id tells the pins apart without naming a table record.</summary>
    private const ulong IdTag = 1UL << 63;

    /// <summary>Appends the call pins of every region to <paramref name="records"/>; returns how many regions could not be read.</summary>
    public static int Read(TargetMemory memory, ulong first, List<RangeRecord> records)
    {
        if (first == 0)
        {
            return 0;
        }

        byte[] region = new byte[CallRegionLayout.CallRegionSize];
        int unreadable = 0;
        ulong at = first;
        for (ulong ordinal = 0; at != 0 && ordinal < MaxRegions; ordinal++)
        {
            if (at >= TableLayout.UserSpaceEnd || !memory.TryRead(at, region))
            {
                return unreadable + 1; // the rest of the list is out of reach
            }

            // Read while the target runs (the native-heap plan's prefilter), pops may go on during the copy: ended read
            // again says which entries the copy holds whole. With the target stopped it is the same value.
            ulong endedAfter = memory.TryReadUInt64(at + CallRegionLayout.CallRegionEnded, out ulong e2) ? e2 : ulong.MaxValue;
            ReadOne(region, ordinal, endedAfter, records);
            at = BinaryPrimitives.ReadUInt64LittleEndian(region.AsSpan(CallRegionLayout.CallRegionNext));
        }

        return unreadable;
    }

    // One region as copied (interopguard.h, "Reading a region"): stack[0, depth) is in flight, whole when no pop ran
    // during the copy; ring entries k in [ended - CallRing + 1, ended) ended, whole when k > endedAfter - CallRing (the
    // slot of entry ended - CallRing is left out: a pop may have been writing it).
    private static void ReadOne(ReadOnlySpan<byte> r, ulong ordinal, ulong endedAfter, List<RangeRecord> records)
    {
        uint tid = BinaryPrimitives.ReadUInt32LittleEndian(r[CallRegionLayout.CallRegionTid..]);
        uint depth = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(r[CallRegionLayout.CallRegionDepth..]), (uint)CallRegionLayout.CallStack);
        ulong ended = BinaryPrimitives.ReadUInt64LittleEndian(r[CallRegionLayout.CallRegionEnded..]);
        if (endedAfter != ended)
        {
            depth = 0; // a pop ran during the copy: the stack may be torn
        }

        for (int i = 0; i < depth; i++)
        {
            ReadOnlySpan<byte> pin = r.Slice(CallRegionLayout.CallRegionStack + i * CallRegionLayout.CallPinSize, CallRegionLayout.CallPinSize);
            Add(pin, TableLayout.StateLive, tid, IdTag | (ordinal << 40) | (1UL << 39) | (uint)i, records);
        }

        ulong oldest = ended >= CallRegionLayout.CallRing ? ended - CallRegionLayout.CallRing + 1 : 0;
        if (endedAfter != ulong.MaxValue && endedAfter >= CallRegionLayout.CallRing)
        {
            oldest = Math.Max(oldest, endedAfter - CallRegionLayout.CallRing + 1); // older slots were rewritten meanwhile
        }

        for (ulong k = oldest; k < ended; k++)
        {
            int slot = (int)(k % CallRegionLayout.CallRing);
            ReadOnlySpan<byte> pin = r.Slice(CallRegionLayout.CallRegionRing + slot * CallRegionLayout.CallPinSize, CallRegionLayout.CallPinSize);
            Add(pin, TableLayout.StateReleased, tid, IdTag | (ordinal << 40) | (k & ((1UL << 39) - 1)), records);
        }
    }

    private static void Add(ReadOnlySpan<byte> p, uint state, uint tid, ulong id, List<RangeRecord> records)
    {
        ulong start = BinaryPrimitives.ReadUInt64LittleEndian(p[CallRegionLayout.CallPinStart..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(p[CallRegionLayout.CallPinSizeField..]);
        if (start == 0 || start >= TableLayout.UserSpaceEnd || size == 0 || size >= TableLayout.UserSpaceEnd - start)
        {
            return; // never written, or garbage
        }

        ulong seq = BinaryPrimitives.ReadUInt64LittleEndian(p[CallRegionLayout.CallPinSeq..]);
        ulong time = BinaryPrimitives.ReadUInt64LittleEndian(p[CallRegionLayout.CallPinTimeNs..]);
        uint site = BinaryPrimitives.ReadUInt32LittleEndian(p[CallRegionLayout.CallPinSite..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(p[CallRegionLayout.CallPinFlags..]) | TableLayout.FlagCallScoped;
        bool live = state == TableLayout.StateLive;
        records.Add(new RangeRecord(id, start, size, seq, live ? 0 : seq, time, live ? 0 : time, 0, TableLayout.KindManagedPin, state, flags,
            site, live ? 0 : site, tid, live ? 0 : tid, 0, 0));
    }
}
