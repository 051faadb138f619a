// ShadowTableReader.cs: walks the stopped target's shadow table (header, chunk directory, records, sites) as docs/design/shadow-table.md says an outside reader must.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using InteropGuard.Findings;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Table;

/// <summary>Reads the table of one target, sweep after sweep. Sites are immutable once published and cached across
/// sweeps; record slots are re-read at every read and parsed again only when their bytes changed (<see cref="RecordMirror"/>).</summary>
internal sealed class ShadowTableReader
{
    private const int RecordsPerRead = TargetMemory.ChunkBytes / TableLayout.RangeSize;

    private readonly Dictionary<uint, FindingSite> _sites = new();
    private readonly byte[] _buffer = new byte[RecordsPerRead * TableLayout.RangeSize];
    private readonly RecordMirror _mirror = new();
    private TableHeader _header;

    public ShadowTableReader(ulong address, int pid)
    {
        Address = address;
        Pid = pid;
    }

    /// <summary>The header's address in the target.</summary>
    public ulong Address { get; }

    public int Pid { get; }

    /// <summary>The header of the last <see cref="ReadHeader"/>.</summary>
    public TableHeader Header => _header;

    /// <summary>Reads and validates the header (throws <see cref="ValidatorException"/> if it is not a table).</summary>
    public TableHeader ReadHeader(TargetMemory memory)
    {
        _header = TableHeader.Read(memory, Address, Pid);
        return _header;
    }

    /// <summary>Every non-empty, plausible record below the header's <c>slot_limit</c> in slot order (the first
    /// <paramref name="slotRecords"/> of the list; each one's slot is the low 32 bits of its id), then the call-scoped pins of every thread's call region
    /// (<see cref="CallRegionReader"/>) and the explicit pins of every thread's pin log (<see cref="PinLogReader"/>), which have no slot. Implausible records (torn: the target was stopped mid-write, or garbage) are
    /// counted in <paramref name="torn"/> and skipped; unreadable chunks and regions are counted in
    /// <paramref name="unreadable"/>. The list is <paramref name="into"/>, cleared first, when one is given: a caller that
    /// reads at every sweep keeps one (tens of thousands of records are megabytes: allocated anew they cost page faults
    /// and garbage collections inside the stop). <paramref name="slots"/>, when given, is cleared and gets each table
    /// record's slot, by position (what a pass over the records' ids would give, without touching the records).</summary>
    public List<RangeRecord> ReadRecords(TargetMemory memory, out int torn, out int unreadable, out int slotRecords, List<RangeRecord>? into = null,
        List<int>? slots = null)
    {
        List<RangeRecord> records = into ?? new List<RangeRecord>();
        records.Clear();
        slots?.Clear();
        ReadTableRecords(memory, records, slots, out torn, out unreadable);
        slotRecords = records.Count;
        unreadable += CallRegionReader.Read(memory, _header.CallRegions, records);
        unreadable += PinLogReader.Read(memory, _header.PinLogs, records, ref torn);
        return records;
    }

    /// <summary>Every non-empty, plausible record, then the call regions' pins (<see cref="ReadRecords(TargetMemory, out int, out int, out int, List{RangeRecord}, List{int})"/>).</summary>
    public List<RangeRecord> ReadRecords(TargetMemory memory, out int torn, out int unreadable) => ReadRecords(memory, out torn, out unreadable, out _);

    /// <summary>The version of a slot's bytes as last read (<see cref="RecordMirror.Version"/>): unchanged, so is its record.</summary>
    public uint SlotVersion(int slot) => _mirror.Version(slot);

    // Reads slots [0, slot_limit) only: the chunks past the high-water mark hold no record, and the last chunk's slots past
    // it are empty (a 65,536-slot chunk is 6 MiB; a program with a few thousand ranges uses a few hundred KiB of it).
    private void ReadTableRecords(TargetMemory memory, List<RangeRecord> records, List<int>? slotsRead, out int torn, out int unreadable)
    {
        torn = 0;
        unreadable = 0;
        ulong slots = _header.SlotsInUse;
        if (slots == 0)
        {
            return;
        }

        ulong perChunk = _header.RangesPerChunk;
        ulong chunkCount = (slots + perChunk - 1) / perChunk;
        var raw = new byte[checked((int)chunkCount * 8)];
        if (!memory.TryRead(_header.Chunks, raw))
        {
            unreadable++;
            return;
        }

        var directory = new ulong[chunkCount];
        for (int c = 0; c < directory.Length; c++)
        {
            directory[c] = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(c * 8));
        }

        _mirror.Prepare(slots, perChunk, directory);
        for (ulong c = 0; c < chunkCount; c++)
        {
            ulong chunk = directory[c];
            if (chunk == 0 || chunk >= TableLayout.UserSpaceEnd)
            {
                unreadable++;
                continue;
            }

            ulong inChunk = Math.Min(perChunk, slots - c * perChunk);
            for (ulong first = 0; first < inChunk; first += RecordsPerRead)
            {
                int n = (int)Math.Min(RecordsPerRead, inChunk - first);
                Span<byte> piece = _buffer.AsSpan(0, n * TableLayout.RangeSize);
                if (!memory.TryRead(chunk + first * TableLayout.RangeSize, piece))
                {
                    unreadable++;
                    continue;
                }

                int firstSlot = (int)(c * perChunk + first);
                bool unchanged = _mirror.TakeUnchanged(firstSlot, piece);
                for (int i = 0; i < n; i++)
                {
                    int slot = firstSlot + i;
                    switch (unchanged ? _mirror.State(slot) : _mirror.Take(slot, piece.Slice(i * TableLayout.RangeSize, TableLayout.RangeSize)))
                    {
                        case RecordMirror.SlotState.Record:
                            records.Add(_mirror.Record(slot));
                            slotsRead?.Add(slot);
                            break;
                        case RecordMirror.SlotState.Torn:
                            torn++;
                            break;
                    }
                }
            }
        }

    }

    /// <summary>The site with <paramref name="id"/>; null for 0, ids not yet published, or an unreadable site.</summary>
    public FindingSite? GetSite(TargetMemory memory, uint id)
    {
        if (id == 0 || id > _header.SiteCount)
        {
            return null;
        }

        if (_sites.TryGetValue(id, out FindingSite? cached))
        {
            return cached;
        }

        Span<byte> b = stackalloc byte[TableLayout.SiteSize];
        if (!memory.TryRead(_header.Sites + (ulong)(id - 1) * TableLayout.SiteSize, b) ||
            BinaryPrimitives.ReadUInt32LittleEndian(b) != id)
        {
            return null; // not readable or not this site: do not cache, a later sweep may read it
        }

        int line = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(b[TableLayout.SiteLine..]), int.MaxValue);
        var site = new FindingSite(
            CString(b.Slice(TableLayout.SiteFunction, TableLayout.SiteFunctionLength)),
            CString(b.Slice(TableLayout.SiteFile, TableLayout.SiteFileLength)),
            line);
        _sites[id] = site;
        return site;
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? bytes[..end] : bytes);
    }
}
