// RangeRecord.cs: one ig_range_t copied out of the stopped target, checked for plausibility before use.
using System;
using System.Buffers.Binary;

namespace InteropGuard.Validator.Table;

/// <summary>A shadow-table record (fields as in <c>ig_range_t</c>).</summary>
internal readonly record struct RangeRecord(
    ulong Id, ulong Start, ulong Size, ulong AllocSeq, ulong ReleaseSeq, ulong AllocTimeNs, ulong ReleaseTimeNs,
    ulong UserTag, uint Kind, uint State, uint Flags, uint AllocSite, uint ReleaseSite, uint AllocTid, uint ReleaseTid,
    ushort RedzoneLeft, ushort RedzoneRight)
{
    public bool IsLive => State == TableLayout.StateLive;

    public bool IsRetained => (Flags & TableLayout.FlagRetained) != 0;

    /// <summary>One past the last user byte.</summary>
    public ulong End => Start + Size;

    /// <summary>Parses 96 bytes; false when the record is empty or implausible (torn or garbage): a wrong slot in its
    /// id, an unknown kind or state, or an extent outside user space.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, ulong slot, out RangeRecord record, out bool torn)
    {
        record = default;
        torn = false;
        uint state = BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeState..]);
        if (state == TableLayout.StateEmpty)
        {
            return false;
        }

        record = new RangeRecord(
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeId..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeStart..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeSizeField..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeAllocSeq..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeReleaseSeq..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeAllocTimeNs..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeReleaseTimeNs..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[TableLayout.RangeUserTag..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeKind..]),
            state,
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeFlags..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeAllocSite..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeReleaseSite..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeAllocTid..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.RangeReleaseTid..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[TableLayout.RangeRedzoneLeft..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[TableLayout.RangeRedzoneRight..]));

        bool plausible =
            (record.Id & 0xFFFF_FFFFUL) == slot && record.Id >> 32 != 0 &&
            record.Kind is >= TableLayout.KindNativeBlock and <= TableLayout.KindNativeRegion &&
            state is >= TableLayout.StateLive and <= TableLayout.StateReleased &&
            record.Start != 0 && record.Start < TableLayout.UserSpaceEnd && record.Size < TableLayout.UserSpaceEnd &&
            record.Start + record.Size + record.RedzoneRight <= TableLayout.UserSpaceEnd &&
            record.Start >= record.RedzoneLeft;
        torn = !plausible;
        return plausible;
    }
}
