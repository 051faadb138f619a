// NativeHeapReader.cs: reads the native-heap registry (header and live slots) from the target, while it runs or stopped; every slot may be torn and is treated so.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Table;

/// <summary>A live block of the registry as read: where it is, how big, who asked for it and how, and its slot.</summary>
internal readonly record struct NativeHeapBlock(ulong Start, ulong Size, ulong Caller, uint How, ulong Slot)
{
    public ulong End => Start + Size;
}

/// <summary>The registry's counters: what it could not see.</summary>
internal readonly record struct NativeHeapCounters(ulong Capacity, ulong Slots, ulong UntrackedFrees, ulong Dropped, ulong Modules);

/// <summary>Reads ig_heap_header_t and its slots (docs/design/native-heap.md). Bounded: a header that is not a registry
/// of this version, or a capacity past 2^30 slots, is refused; an unreadable piece is skipped and counted.</summary>
internal static class NativeHeapReader
{
    private const ulong MaxCapacity = 1UL << 30;
    private const ulong MaxBlockSize = 1UL << 40;

    /// <summary>The registry's header at <paramref name="address"/> (the table header's native_heap); false when there
    /// is none or it is not one this validator reads.</summary>
    public static bool TryReadHeader(TargetMemory memory, ulong address, out NativeHeapCounters counters)
    {
        counters = default;
        Span<byte> h = stackalloc byte[NativeHeapLayout.HeapHeaderSize];
        if (address == 0 || !memory.TryRead(address, h) || !h[..8].SequenceEqual("IGHEAP\0\0"u8) ||
            BinaryPrimitives.ReadUInt32LittleEndian(h[NativeHeapLayout.HeapHeaderVersion..]) != NativeHeapLayout.HeapVersion ||
            BinaryPrimitives.ReadUInt32LittleEndian(h[NativeHeapLayout.HeapHeaderSlotSize..]) != NativeHeapLayout.SlotSize)
        {
            return false;
        }

        ulong capacity = BinaryPrimitives.ReadUInt64LittleEndian(h[NativeHeapLayout.HeapHeaderCapacity..]);
        ulong slots = BinaryPrimitives.ReadUInt64LittleEndian(h[NativeHeapLayout.HeapHeaderSlots..]);
        if (capacity == 0 || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0 || slots == 0 || slots >= TableLayout.UserSpaceEnd)
        {
            return false;
        }

        counters = new NativeHeapCounters(capacity, slots,
            BinaryPrimitives.ReadUInt64LittleEndian(h[NativeHeapLayout.HeapHeaderUntrackedFrees..]),
            BinaryPrimitives.ReadUInt64LittleEndian(h[NativeHeapLayout.HeapHeaderDropped..]),
            BinaryPrimitives.ReadUInt64LittleEndian(h[NativeHeapLayout.HeapHeaderModules..]));
        return true;
    }

    /// <summary>Every slot that reads as live (state 1, a plausible address and size), in slot order.</summary>
    public static List<NativeHeapBlock> ReadBlocks(TargetMemory memory, NativeHeapCounters counters, byte[] buffer, out int unreadable)
    {
        unreadable = 0;
        var blocks = new List<NativeHeapBlock>();
        int perRead = buffer.Length / NativeHeapLayout.SlotSize;
        for (ulong first = 0; first < counters.Capacity; first += (ulong)perRead)
        {
            int n = (int)Math.Min((ulong)perRead, counters.Capacity - first);
            Span<byte> piece = buffer.AsSpan(0, n * NativeHeapLayout.SlotSize);
            if (!memory.TryRead(counters.Slots + first * NativeHeapLayout.SlotSize, piece))
            {
                unreadable++;
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> s = piece.Slice(i * NativeHeapLayout.SlotSize, NativeHeapLayout.SlotSize);
                ulong addr = BinaryPrimitives.ReadUInt64LittleEndian(s);
                if (addr <= NativeHeapLayout.HeapTombstone)
                {
                    continue; // most slots: empty or removed
                }

                if (TryParse(s, first + (ulong)i, out NativeHeapBlock b))
                {
                    blocks.Add(b);
                }
            }
        }

        return blocks;
    }

    /// <summary>Reads one slot again (with the target stopped): true when it still holds the same live block.</summary>
    public static bool StillHolds(TargetMemory memory, NativeHeapCounters counters, NativeHeapBlock block)
    {
        Span<byte> s = stackalloc byte[NativeHeapLayout.SlotSize];
        return block.Slot < counters.Capacity &&
               memory.TryRead(counters.Slots + block.Slot * NativeHeapLayout.SlotSize, s) &&
               TryParse(s, block.Slot, out NativeHeapBlock now) && now.Start == block.Start && now.Size == block.Size;
    }

    private static bool TryParse(ReadOnlySpan<byte> s, ulong slot, out NativeHeapBlock block)
    {
        block = default;
        ulong addr = BinaryPrimitives.ReadUInt64LittleEndian(s[NativeHeapLayout.SlotAddr..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(s[NativeHeapLayout.SlotSizeField..]);
        uint state = BinaryPrimitives.ReadUInt32LittleEndian(s[NativeHeapLayout.SlotState..]);
        if (state != 1 || addr <= NativeHeapLayout.HeapTombstone || addr >= TableLayout.UserSpaceEnd || size > MaxBlockSize ||
            addr + size > TableLayout.UserSpaceEnd)
        {
            return false; // being written, removed, or torn
        }

        block = new NativeHeapBlock(addr, size, BinaryPrimitives.ReadUInt64LittleEndian(s[NativeHeapLayout.SlotCaller..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[NativeHeapLayout.SlotHow..]), slot);
        return true;
    }
}
