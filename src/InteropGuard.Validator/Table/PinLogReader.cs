// PinLogReader.cs: reads every thread's pin log (the explicit pins and call-scoped callbacks it registered, live and released) from the stopped target, as range records the sweep indexes with the table's.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Table;

/// <summary>Walks the list of pin logs from the table header's pin_logs (interopguard.h, "Explicit pins in per-thread pin
/// logs") and turns each slot below the log's <c>used</c> into a <see cref="RangeRecord"/>: a slot is an <c>ig_range_t</c>
/// with a pin-log id and kind MANAGED_PIN, or CALLBACK flagged CALL_SCOPED, so it reads like a table record; a slot its
/// releaser is still writing (RELEASING) reads as LIVE, the pin still held. Bounded: at most <see cref="MaxLogs"/> logs
/// (a longer list, or a loop, is garbage); an unreadable log is counted, an implausible slot (torn: a thread stopped
/// while writing it, or garbage, or a kind the log never holds) counted as torn.</summary>
internal static class PinLogReader
{
    private const int MaxLogs = 1 << 16;

    /// <summary>IG_STATE_RELEASING: a releaser claimed the slot and has not stored RELEASED yet.</summary>
    private const uint StateReleasing = 4;

    /// <summary>Appends the pins of every log to <paramref name="records"/>; returns how many logs could not be read and
    /// adds implausible slots to <paramref name="torn"/>.</summary>
    public static int Read(TargetMemory memory, ulong first, List<RangeRecord> records, ref int torn)
    {
        if (first == 0)
        {
            return 0;
        }

        byte[] log = new byte[PinLogLayout.PinLogSize];
        ulong at = first;
        for (int n = 0; at != 0 && n < MaxLogs; n++)
        {
            if (at >= TableLayout.UserSpaceEnd || !memory.TryRead(at, log))
            {
                return 1; // the rest of the list is out of reach
            }

            torn += ReadOne(log, records);
            at = BinaryPrimitives.ReadUInt64LittleEndian(log.AsSpan(PinLogLayout.PinLogNext));
        }

        return 0;
    }

    private static int ReadOne(Span<byte> log, List<RangeRecord> records)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(log[PinLogLayout.PinLogIndex..]);
        uint used = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(log[PinLogLayout.PinLogUsed..]), (uint)PinLogLayout.PinLogSlots);
        int torn = 0;
        for (int i = 0; i < used; i++)
        {
            Span<byte> slot = log.Slice(PinLogLayout.PinLogSlotsField + i * TableLayout.RangeSize, TableLayout.RangeSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(slot[TableLayout.RangeState..]) == StateReleasing)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(slot[TableLayout.RangeState..], TableLayout.StateLive);
                slot[TableLayout.RangeReleaseSeq..TableLayout.RangeUserTag].Clear(); // release fields half written
            }

            ulong expected = ((ulong)index << 12) | (uint)i; // the low half of the slot's id: its log and place
            if (!RangeRecord.TryParse(slot, expected, out RangeRecord r, out bool isTorn))
            {
                torn += isTorn ? 1 : 0;
                continue;
            }

            bool kindFits = r.Kind == TableLayout.KindManagedPin ||
                (r.Kind == TableLayout.KindCallback && (r.Flags & TableLayout.FlagCallScoped) != 0);
            if ((r.Id & PinLogLayout.PinLogIdTag) != PinLogLayout.PinLogIdTag || !kindFits)
            {
                torn++;
                continue;
            }

            records.Add(r);
        }

        return torn;
    }
}
