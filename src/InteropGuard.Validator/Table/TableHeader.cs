// TableHeader.cs: the shadow table's header as read from the target, validated field by field before anything else is trusted.
using System;
using System.Buffers.Binary;
using System.Globalization;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Table;

/// <summary>The fields of <c>ig_table_header_t</c> the validator uses, after validation.</summary>
internal readonly record struct TableHeader(
    ulong RangesPerChunk, ulong ChunkCount, ulong Chunks, ulong Sites, ulong SiteCount, ulong Pid, byte CanaryByte, ulong FillLimit = ulong.MaxValue, ulong NativeHeap = 0, ulong CallRegions = 0, ulong SlotLimit = 0, ulong PinLogs = 0)
{
    /// <summary>Record slots a reader reads: the table's <c>slot_limit</c> (every slot past it is empty), at most the
    /// published chunks' slots (a header read while the target runs may see a newer limit than chunk count).</summary>
    public ulong SlotsInUse => Math.Min(SlotLimit, ChunkCount * RangesPerChunk);

    /// <summary>Upper bounds that keep a garbage header from making the validator read or allocate without end.</summary>
    private const ulong MaxRangesPerChunk = 1UL << 20;
    private const ulong MaxChunks = 1UL << 16;
    private const ulong MaxRecords = 1UL << 27;
    private const ulong MaxSites = 1UL << 24;

    /// <summary>Reads and validates the header at <paramref name="address"/>; throws <see cref="ValidatorException"/>
    /// (<see cref="ValidatorErrorKind.TableInvalid"/>) with the reason otherwise.</summary>
    public static TableHeader Read(TargetMemory memory, ulong address, int expectedPid)
    {
        Span<byte> h = stackalloc byte[TableLayout.HeaderSize];
        if (!memory.TryRead(address, h))
        {
            throw Invalid(address, "its memory cannot be read");
        }

        if (!h[..8].SequenceEqual("IGTABLE\0"u8))
        {
            throw Invalid(address, "the magic is not \"IGTABLE\"");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderVersion..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderHeaderSize..]);
        uint rangeSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderRangeSize..]);
        uint siteSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderSiteSize..]);
        if (version != TableLayout.Version || headerSize != TableLayout.HeaderSize || rangeSize != TableLayout.RangeSize || siteSize != TableLayout.SiteSize)
        {
            throw Invalid(address, string.Create(CultureInfo.InvariantCulture,
                $"version {version} with header/range/site sizes {headerSize}/{rangeSize}/{siteSize}; this validator reads version {TableLayout.Version} (256/96/256): use the validator of the same InteropGuard release"));
        }

        ulong perChunk = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderRangesPerChunk..]);
        ulong maxChunks = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderMaxChunks..]);
        ulong chunkCount = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderChunkCount..]);
        ulong chunks = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderChunks..]);
        ulong sites = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderSites..]);
        ulong siteCapacity = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderSiteCapacity..]);
        ulong siteCount = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderSiteCount..]);
        ulong pid = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderPid..]);
        byte canary = h[TableLayout.HeaderCanaryByte];

        // Bytes of a new block the allocator wrote: all of them (mode 2), or the first fill_size (max_malloc_fill_size).
        ulong fillLimit = (BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderFillFlags..]) & TableLayout.TableFlagPartialFill) != 0
            ? BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderFillSize..])
            : ulong.MaxValue;

        if (perChunk == 0 || perChunk > MaxRangesPerChunk || maxChunks > MaxChunks || chunkCount > maxChunks ||
            chunkCount * perChunk > MaxRecords || siteCapacity > MaxSites || siteCount > siteCapacity ||
            (chunkCount > 0 && (chunks == 0 || chunks >= TableLayout.UserSpaceEnd)) ||
            (siteCount > 0 && (sites == 0 || sites >= TableLayout.UserSpaceEnd)))
        {
            throw Invalid(address, string.Create(CultureInfo.InvariantCulture,
                $"its counts are impossible (ranges_per_chunk {perChunk}, chunk_count {chunkCount} of {maxChunks}, site_count {siteCount} of {siteCapacity}): a torn or overwritten header"));
        }

        if (pid != 0 && expectedPid != 0 && pid != (ulong)expectedPid)
        {
            throw Invalid(address, string.Create(CultureInfo.InvariantCulture, $"it belongs to process {pid}, not {expectedPid}"));
        }

        // The call regions (0 until a thread pinned a call's argument); their sizes are this validator's or the header is garbage.
        ulong callRegions = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderCallRegions..]);
        uint callRegionSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderCallRegionSize..]);
        uint callPinSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderCallPinSize..]);
        if (callRegionSize != CallRegionLayout.CallRegionSize || callPinSize != CallRegionLayout.CallPinSize || callRegions >= TableLayout.UserSpaceEnd)
        {
            throw Invalid(address, string.Create(CultureInfo.InvariantCulture,
                $"its call regions are {callRegionSize}-byte regions of {callPinSize}-byte pins at 0x{callRegions:x}, not {CallRegionLayout.CallRegionSize}/{CallRegionLayout.CallPinSize}: a torn or overwritten header"));
        }

        // The pin logs (0 until a thread registered an explicit pin), checked as the call regions are.
        ulong pinLogs = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderPinLogs..]);
        uint pinLogSize = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderPinLogSize..]);
        uint pinLogSlots = BinaryPrimitives.ReadUInt32LittleEndian(h[TableLayout.HeaderPinLogSlots..]);
        if (pinLogSize != PinLogLayout.PinLogSize || pinLogSlots != PinLogLayout.PinLogSlots || pinLogs >= TableLayout.UserSpaceEnd)
        {
            throw Invalid(address, string.Create(CultureInfo.InvariantCulture,
                $"its pin logs are {pinLogSize}-byte logs of {pinLogSlots} slots at 0x{pinLogs:x}, not {PinLogLayout.PinLogSize}/{PinLogLayout.PinLogSlots}: a torn or overwritten header"));
        }

        // The native-heap registry (0 while tracking is off); its own header is checked by NativeHeapReader.
        ulong nativeHeap = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderNativeHeap..]);
        ulong slotLimit = BinaryPrimitives.ReadUInt64LittleEndian(h[TableLayout.HeaderSlotLimit..]);
        return new TableHeader(perChunk, chunkCount, chunks, sites, siteCount, pid, canary, fillLimit, nativeHeap < TableLayout.UserSpaceEnd ? nativeHeap : 0, callRegions, slotLimit, pinLogs);
    }

    private static ValidatorException Invalid(ulong address, string why) =>
        new(ValidatorErrorKind.TableInvalid, string.Create(CultureInfo.InvariantCulture,
            $"no InteropGuard shadow table at 0x{address:x}: {why}. Pass the value of ig_shadow_table (ig_table()) as --table, or leave --table out to find it through libinteropguard.so's export."));
}
