// ShadowTableReaderTests.cs: the validator's table reader reads the record slots below the header's slot_limit and no further, and the slots of every pin log below its used count; a re-read parses anew exactly the slots whose bytes changed; over a table built in this process's memory and read as a target's.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Table;

public sealed unsafe class ShadowTableReaderTests
{
    private const ulong PerChunk = 1024;

    /// <summary>A version-4 header over two chunk slots: the first a chunk of <see cref="PerChunk"/> empty records, the
    /// second an unmapped address (what a reader must never need below slot_limit).</summary>
    internal sealed class FakeTable : IDisposable
    {
        private readonly byte* _header = (byte*)NativeMemory.AllocZeroed(TableLayout.HeaderSize);
        private readonly byte* _chunk = (byte*)NativeMemory.AllocZeroed((nuint)(PerChunk * TableLayout.RangeSize));
        private readonly ulong* _directory = (ulong*)NativeMemory.AllocZeroed(16);
        private readonly byte* _log = (byte*)NativeMemory.AllocZeroed(PinLogLayout.PinLogSize);

        public FakeTable(ulong slotLimit)
        {
            Reader = new ShadowTableReader((ulong)_header, Environment.ProcessId);
            var h = new Span<byte>(_header, TableLayout.HeaderSize);
            "IGTABLE\0"u8.CopyTo(h);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderVersion..], TableLayout.Version);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderHeaderSize..], TableLayout.HeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderRangeSize..], TableLayout.RangeSize);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderSiteSize..], TableLayout.SiteSize);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderRangesPerChunk..], PerChunk);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderMaxChunks..], 2);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderChunkCount..], 2);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderChunks..], (ulong)_directory);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderPid..], (ulong)Environment.ProcessId);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderCallRegionSize..], CallRegionLayout.CallRegionSize);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderCallPinSize..], CallRegionLayout.CallPinSize);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderPinLogSize..], PinLogLayout.PinLogSize);
            BinaryPrimitives.WriteUInt32LittleEndian(h[TableLayout.HeaderPinLogSlots..], PinLogLayout.PinLogSlots);
            BinaryPrimitives.WriteUInt64LittleEndian(h[TableLayout.HeaderSlotLimit..], slotLimit);
            _directory[0] = (ulong)_chunk;
            _directory[1] = 0x10; // unmapped
        }

        public ulong Address => (ulong)_header;

        /// <summary>One reader for the life of the table, as a sweeper keeps one (its slot copies carry over).</summary>
        public ShadowTableReader Reader { get; }

        /// <summary>Writes a live native-region record into slot <paramref name="slot"/> of the first chunk.</summary>
        public void Record(ulong slot, ulong start) => Record(slot, start, 64, TableLayout.KindNativeRegion, TableLayout.StateLive, seq: 1);

        /// <summary>Writes any record into slot <paramref name="slot"/> of the first chunk.</summary>
        public void Record(ulong slot, ulong start, ulong size, uint kind, uint state, ulong seq)
        {
            var r = new Span<byte>(_chunk + slot * TableLayout.RangeSize, TableLayout.RangeSize);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeId..], slot | 1UL << 32);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeStart..], start);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeSizeField..], size);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeAllocSeq..], seq);
            BinaryPrimitives.WriteUInt32LittleEndian(r[TableLayout.RangeKind..], kind);
            BinaryPrimitives.WriteUInt32LittleEndian(r[TableLayout.RangeState..], state);
        }

        /// <summary>Empties slot <paramref name="slot"/>.</summary>
        public void Clear(ulong slot) => new Span<byte>(_chunk + slot * TableLayout.RangeSize, TableLayout.RangeSize).Clear();

        /// <summary>Links the one pin log (index 3) and writes a managed pin into its slot <paramref name="slot"/>, in
        /// <paramref name="state"/>, with a pin-log id (or <paramref name="id"/> when given); used becomes
        /// <paramref name="used"/>.</summary>
        public void LogPin(int slot, ulong start, uint state, uint used, ulong id = 0, uint kind = TableLayout.KindManagedPin, uint flags = 0)
        {
            var log = new Span<byte>(_log, PinLogLayout.PinLogSize);
            BinaryPrimitives.WriteUInt32LittleEndian(log[PinLogLayout.PinLogIndex..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(log[PinLogLayout.PinLogUsed..], used);
            var r = log.Slice(PinLogLayout.PinLogSlotsField + slot * TableLayout.RangeSize, TableLayout.RangeSize);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeId..], id != 0 ? id : PinLogLayout.PinLogIdTag | 5UL << 32 | 3UL << 12 | (uint)slot);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeStart..], start);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeSizeField..], 64);
            BinaryPrimitives.WriteUInt64LittleEndian(r[TableLayout.RangeReleaseSeq..], state == TableLayout.StateLive ? 0UL : 7UL);
            BinaryPrimitives.WriteUInt32LittleEndian(r[TableLayout.RangeKind..], kind);
            BinaryPrimitives.WriteUInt32LittleEndian(r[TableLayout.RangeFlags..], flags);
            BinaryPrimitives.WriteUInt32LittleEndian(r[TableLayout.RangeState..], state);
            BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(_header, TableLayout.HeaderSize)[TableLayout.HeaderPinLogs..], (ulong)_log);
        }

        public List<RangeRecord> Read(out int torn, out int unreadable)
        {
            var memory = new TargetMemory(null, Environment.ProcessId);
            Reader.ReadHeader(memory);
            return Reader.ReadRecords(memory, out torn, out unreadable);
        }

        /// <summary>Reads with the records' slots into <paramref name="slots"/>.</summary>
        public List<RangeRecord> Read(List<int> slots)
        {
            var memory = new TargetMemory(null, Environment.ProcessId);
            Reader.ReadHeader(memory);
            return Reader.ReadRecords(memory, out _, out _, out _, slots: slots);
        }

        public void Dispose()
        {
            NativeMemory.Free(_header);
            NativeMemory.Free(_chunk);
            NativeMemory.Free(_directory);
            NativeMemory.Free(_log);
        }
    }

    [Test]
    public void ReadsTheSlotsBelowSlotLimit_AndNoFurther()
    {
        using var table = new FakeTable(slotLimit: 10);
        table.Record(3, 0x10000);
        table.Record(9, 0x20000);
        table.Record(10, 0x30000); // at the limit: a slot the table never handed out cannot hold a record

        List<RangeRecord> records = table.Read(out int torn, out int unreadable);

        Assert.That(records.ConvertAll(r => r.Start), Is.EqualTo(new ulong[] { 0x10000, 0x20000 }));
        Assert.That((torn, unreadable), Is.EqualTo((0, 0)), "the second chunk lies past the limit and is not read");
    }

    [Test]
    public void SlotLimitInTheSecondChunk_ReadsIt()
    {
        using var table = new FakeTable(slotLimit: PerChunk + 1);
        table.Record(PerChunk - 1, 0x10000);

        List<RangeRecord> records = table.Read(out _, out int unreadable);

        Assert.That(records.ConvertAll(r => r.Start), Is.EqualTo(new ulong[] { 0x10000 }));
        Assert.That(unreadable, Is.EqualTo(1), "the second chunk's slot is below the limit, and its chunk is unmapped");
    }

    [Test]
    public void SlotLimitPastThePublishedChunks_IsBoundedByThem()
    {
        using var table = new FakeTable(slotLimit: ulong.MaxValue); // a header read while a chunk was being published
        table.Record(5, 0x10000);

        List<RangeRecord> records = table.Read(out _, out int unreadable);

        Assert.That(records.ConvertAll(r => r.Start), Is.EqualTo(new ulong[] { 0x10000 }));
        Assert.That(unreadable, Is.GreaterThan(0), "two chunks published, the second unmapped; nothing past them is read");
    }

    [Test]
    public void NoSlotHandedOut_ReadsNoRecord()
    {
        using var table = new FakeTable(slotLimit: 0);
        table.Record(0, 0x10000);

        Assert.That(table.Read(out _, out int unreadable), Is.Empty);
        Assert.That(unreadable, Is.Zero);
    }

    [Test]
    public void PinLogSlots_BelowUsed_AreRead_AReleasingOneAsLive()
    {
        using var table = new FakeTable(slotLimit: 0);
        table.LogPin(0, 0x10000, TableLayout.StateLive, used: 4);
        table.LogPin(1, 0x20000, TableLayout.StateReleased, used: 4);
        table.LogPin(2, 0x30000, 4, used: 4); // IG_STATE_RELEASING: its releaser is still writing; the pin is still held
        table.LogPin(3, 0x40000, TableLayout.StateLive, used: 4, id: 3UL << 12 | 3 | 1UL << 32); // no pin-log tag: garbage
        table.LogPin(4, 0x50000, TableLayout.StateLive, used: 4); // past used: never read

        List<RangeRecord> records = table.Read(out int torn, out int unreadable);

        Assert.That(records.ConvertAll(r => (r.Start, r.State, r.ReleaseSeq)), Is.EqualTo(new[]
        {
            (0x10000UL, TableLayout.StateLive, 0UL), (0x20000UL, TableLayout.StateReleased, 7UL), (0x30000UL, TableLayout.StateLive, 0UL),
        }));
        Assert.That(records.TrueForAll(r => r.Kind == TableLayout.KindManagedPin && (r.Id & PinLogLayout.PinLogIdTag) == PinLogLayout.PinLogIdTag));
        Assert.That((torn, unreadable), Is.EqualTo((1, 0)));
    }

    [Test]
    public void PinLogSlots_OfCallScopedCallbacks_AreRead_OtherKindsAreTorn()
    {
        using var table = new FakeTable(slotLimit: 0);
        table.LogPin(0, 0x10000, TableLayout.StateReleased, used: 3, kind: TableLayout.KindCallback, flags: TableLayout.FlagCallScoped);
        table.LogPin(1, 0x20000, TableLayout.StateLive, used: 3, kind: TableLayout.KindCallback); // a callback the log never takes
        table.LogPin(2, 0x30000, TableLayout.StateLive, used: 3, kind: TableLayout.KindMappedView, flags: TableLayout.FlagCallScoped);

        List<RangeRecord> records = table.Read(out int torn, out int unreadable);

        Assert.That(records.ConvertAll(r => (r.Start, r.Kind, r.Flags, r.State)), Is.EqualTo(new[]
        {
            (0x10000UL, TableLayout.KindCallback, TableLayout.FlagCallScoped, TableLayout.StateReleased),
        }));
        Assert.That((torn, unreadable), Is.EqualTo((2, 0)));
    }

    [Test]
    public void AReread_ParsesTheChangedSlotsAnew_AndYieldsWhatAFreshReaderDoes()
    {
        using var table = new FakeTable(slotLimit: 8);
        table.Record(1, 0x10000);
        table.Record(2, 0x20000);
        table.Record(3, 0x30000);
        table.Read(out _, out _);
        uint one = table.Reader.SlotVersion(1), two = table.Reader.SlotVersion(2), three = table.Reader.SlotVersion(3);

        table.Record(2, 0x20000, 64, TableLayout.KindNativeBlock, TableLayout.StateFreed, seq: 2); // freed
        table.Clear(3); // evicted
        table.Record(4, 0x40000); // new
        List<RangeRecord> again = table.Read(out _, out _);
        List<RangeRecord> fresh = new FakeTableReader(table).Read();

        Assert.That(again, Is.EqualTo(fresh), "the kept copies give what parsing every slot anew gives");
        Assert.That(again.ConvertAll(r => (r.Start, r.State)),
            Is.EqualTo(new[] { (0x10000UL, TableLayout.StateLive), (0x20000UL, TableLayout.StateFreed), (0x40000UL, TableLayout.StateLive) }));
        Assert.That(table.Reader.SlotVersion(1), Is.EqualTo(one), "unchanged bytes keep their version");
        Assert.That(table.Reader.SlotVersion(2), Is.Not.EqualTo(two));
        Assert.That(table.Reader.SlotVersion(3), Is.Not.EqualTo(three));
    }

    /// <summary>A reader of its own over the same table: parses every slot.</summary>
    private sealed class FakeTableReader(FakeTable table)
    {
        public List<RangeRecord> Read()
        {
            var reader = new ShadowTableReader(table.Address, Environment.ProcessId);
            var memory = new TargetMemory(null, Environment.ProcessId);
            reader.ReadHeader(memory);
            return reader.ReadRecords(memory, out _, out _);
        }
    }
}
