// SweepPass.cs: the scan of one stop of the target: read the table, walk retained ranges, native memory as roots, redzones and pin ages; what a word or range is, SweepClassifier decides.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using InteropGuard.Findings;
using InteropGuard.Native;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Scan;

/// <summary>One stop. Every read is bounded and checked; a record or block that cannot be read is skipped and counted,
/// never trusted. The scan finds candidates (a word in a dead range or the GC heap, a retained range, damaged canary
/// bytes, an old pin) and hands them to <see cref="SweepClassifier"/>, which makes the typed findings (the
/// <see cref="Sweeper"/> filters detect_ options and duplicates; the target's report formatter words them).</summary>
internal sealed partial class SweepPass
{
    private readonly TargetMemory _memory;
    private readonly ShadowTableReader _table;
    private readonly HeapView? _heap;
    private readonly ValidatorSettings _settings;
    private readonly SweepResult _result;
    private readonly SweepReason _reason;
    private readonly List<Finding> _findings;
    private readonly byte[] _buffer = new byte[TargetMemory.ChunkBytes];
    private List<RangeRecord> _records = new();
    private List<int> _slots = new();
    private RangeIndex _live = new(new());
    private RangeIndex _dead = new(new());
    private byte _canary;
    private ulong _fillLimit = ulong.MaxValue;
    private bool _partialFillNoted;
    private ulong _nowNs;
    private SweepClassifier _classify = null!;

    public SweepPass(TargetMemory memory, ShadowTableReader table, HeapView? heap, ValidatorSettings settings, SweepResult result, List<Finding> findings)
    {
        _memory = memory;
        _table = table;
        _heap = heap;
        _settings = settings;
        _result = result;
        _reason = result.Reason;
        _findings = findings;
    }

    /// <summary>The list the stop's records are read into (kept by the <see cref="Sweeper"/>; null: a new one).</summary>
    public List<RangeRecord>? RecordList { get; init; }

    /// <summary>The list the stop's records' slots are read into (kept by the <see cref="Sweeper"/>; null: a new one).</summary>
    public List<int>? SlotList { get; init; }

    /// <summary>The live ranges' index as the last build left it (<see cref="Sweeper"/> keeps it between stops; a new
    /// one builds from scratch).</summary>
    public RangeIndexMemo LiveMemo { get; init; } = new();

    /// <summary>The dead ranges' index as the last build left it.</summary>
    public RangeIndexMemo DeadMemo { get; init; } = new();

    /// <summary>Charged each part of the pass (<see cref="StopPhases.Off"/>: not timed).</summary>
    public StopPhases Phases { get; init; } = StopPhases.Off;

    public int Torn { get; private set; }

    public int Unreadable { get; private set; }

    public void Run(IReadOnlyList<LibraryData> libraries)
    {
        Phases.Enter(StopPhase.Table);
        TableHeader header = _table.ReadHeader(_memory);
        _canary = header.CanaryByte;
        _fillLimit = header.FillLimit;
        _nowNs = MonotonicClock.NowNs();
        _records = _table.ReadRecords(_memory, out int torn, out int unreadable, out _, RecordList, _slots = SlotList ?? new List<int>());
        Torn = torn;
        Unreadable = unreadable;
        Phases.Enter(StopPhase.Indexes);
        BuildIndexes();
        _classify = new SweepClassifier(_memory, _table, _heap, _result, _records, _live, _dead, _nowNs);
        Phases.Enter(StopPhase.RetainedPins);
        CheckRetainedRanges();
        Phases.Enter(StopPhase.Blocks);

        var planned = new List<(RangeRecord, PlannedBlock)>();
        foreach (ref readonly RangeRecord r in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_records)) // by reference: tens of thousands of dead records
        {
            if (!r.IsLive)
            {
                continue;
            }

            if (r.Kind == TableLayout.KindNativeBlock)
            {
                if (_blockPlan is not null && _blockPlan.TryGet(r, out PlannedBlock p))
                {
                    planned.Add((r, p));
                }
                else
                {
                    ScanBlock(r);
                }
            }
            else if (r.Kind == TableLayout.KindNativeRegion)
            {
                ScanRange(r.Start, r.End, new ScanHolder(HolderKind.NativeRegion, r.Start, r.Size, _table.GetSite(_memory, r.AllocSite), null));
            }
        }

        ConfirmPlannedBlocks(planned);
        Phases.Enter(StopPhase.LibraryData);
        foreach (LibraryData data in libraries)
        {
            ScanRange(data.Start, data.End, new ScanHolder(HolderKind.LibraryData, data.Start, data.End - data.Start, null, data.Path));
        }

        Phases.Enter(StopPhase.NativeHeap);
        ScanNativeHeap();

        Phases.Enter(StopPhase.LeakedPins);
        FindLeakedPins();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Indexes: live ranges (any kind) and dead ones (freed blocks, released pins, unmapped views, released callbacks, and
    // retained callbacks whose delegate was collected but whose range its finalizer has not released yet) for the words
    // the scan finds.

    private void BuildIndexes()
    {
        var places = new byte[_records.Count];
        ReadOnlySpan<RangeRecord> records = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_records);
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly RangeRecord r = ref records[i];
            places[i] = Place(r, i < _slots.Count, _memory);
            _result.Pins += r.IsLive && r.Kind == TableLayout.KindManagedPin && (places[i] & ~RangeIndexMemo.Volatile) == RangeIndexMemo.Live ? 1 : 0;
        }

        _live = LiveMemo.Build(_records, _slots, places, RangeIndexMemo.Live, _table);
        _dead = DeadMemo.Build(_records, _slots, places, RangeIndexMemo.Dead, _table);
    }

    /// <summary>Brings <paramref name="live"/> and <paramref name="dead"/> up to the records the running target shows
    /// (<see cref="RunningTable"/>), so the stop's build sorts only what changed between that read and the stop. The
    /// places that need the stopped target's memory are left to the stop.</summary>
    public static void PrepareIndexes(RunningTable running, ShadowTableReader table, RangeIndexMemo live, RangeIndexMemo dead)
    {
        ReadOnlySpan<RangeRecord> records = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(running.Records);
        int slotRecords = running.Slots.Count;
        var places = new byte[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            places[i] = Place(records[i], i < slotRecords, memory: null);
        }

        live.Build(running.Records, running.Slots, places, RangeIndexMemo.Live, table);
        dead.Build(running.Records, running.Slots, places, RangeIndexMemo.Dead, table);
    }

    /// <summary>Which index a record goes in (<see cref="RangeIndexMemo"/>'s places): live ranges (any kind), and dead ones
    /// (freed blocks, released pins, unmapped views, released callbacks, and retained callbacks whose delegate was
    /// collected but whose range its finalizer has not released yet; that one depends on the target's memory, so it is
    /// <see cref="RangeIndexMemo.Volatile"/>, and without <paramref name="memory"/> it goes in neither). A call region's
    /// pin (no table slot) is volatile too.</summary>
    private static byte Place(in RangeRecord r, bool slotRecord, TargetMemory? memory)
    {
        byte place;
        if (r.IsLive && IsRetainedCallback(r))
        {
            place = memory is null ? RangeIndexMemo.None
                : (byte)((IsCollected(r, memory) ? RangeIndexMemo.Dead : RangeIndexMemo.Live) | RangeIndexMemo.Volatile);
        }
        else if (r.IsLive)
        {
            place = RangeIndexMemo.Live;
        }
        else if ((r.State == TableLayout.StateFreed && r.Kind == TableLayout.KindNativeBlock) ||
                 (r.State == TableLayout.StateReleased && r.Kind is TableLayout.KindManagedPin or TableLayout.KindMappedView or TableLayout.KindCallback))
        {
            place = RangeIndexMemo.Dead;
        }
        else
        {
            place = RangeIndexMemo.None;
        }

        return slotRecord || place == RangeIndexMemo.None ? place : (byte)(place | RangeIndexMemo.Volatile);
    }

    /// <summary>A retained callback whose weak handle (user_tag) reads 0: its delegate was collected, and the finalizer that
    /// releases its range has not run yet. Like a released callback it is reported only where native memory still holds
    /// its entry: a program may have unregistered it (registered null or another delegate at the same place) before
    /// dropping it, and the weak handle cannot tell that from a library that still holds it.</summary>
    private static bool IsRetainedCallback(in RangeRecord r) =>
        r.Kind == TableLayout.KindCallback && r.IsRetained && (r.Flags & TableLayout.FlagCallScoped) == 0 && r.UserTag != 0;

    private static bool IsCollected(in RangeRecord r, TargetMemory memory) => memory.TryReadUInt64(r.UserTag, out ulong target) && target == 0;

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Retained pins: the object must be alive, in place and pinned. (A retained callback is judged by the words that
    // hold its entry: Place.)

    private void CheckRetainedRanges()
    {
        foreach (ref readonly RangeRecord r in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_records))
        {
            if (!r.IsLive || !r.IsRetained || r.UserTag == 0)
            {
                continue;
            }

            if (r.Kind == TableLayout.KindManagedPin && _heap is not null && _memory.TryReadUInt64(r.UserTag, out ulong obj) &&
                _classify.RetainedPin(r, obj) is { } f)
            {
                _findings.Add(f);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2 + 3. Native memory as roots; redzones of live blocks.

    private void ScanBlock(RangeRecord r)
    {
        ulong baseAddress = r.Start - r.RedzoneLeft;
        ulong extentEnd = r.End + r.RedzoneRight;
        var holder = new ScanHolder(HolderKind.NativeBlock, r.Start, r.Size, null, null, r);
        _result.Blocks++;

        // One read from the block's base (header, left canary, user bytes, right redzone), in 64 KiB pieces. The header
        // (id, size) tells a finished block from one a stopped thread was still making (its record is published
        // before its header and canaries are written): those are skipped, not reported.
        if (r.RedzoneLeft < 32 + TableLayout.LeftCanaryBytes)
        {
            return; // not a layout this validator knows (the header is 32 bytes, the canary 16)
        }

        long firstDamage = long.MinValue;
        int damaged = 0;
        byte found = 0;
        ulong canaryStart = r.Start - TableLayout.LeftCanaryBytes;

        // Words nobody wrote are never scanned: past the fill limit a block holds what malloc's previous user left.
        ulong scanEnd = r.Size > _fillLimit ? r.Start + _fillLimit : r.End;
        NotePartialFill(r);

        for (ulong at = baseAddress; at < extentEnd;)
        {
            int n = (int)Math.Min((ulong)_buffer.Length, extentEnd - at);
            Span<byte> piece = _buffer.AsSpan(0, n);
            if (!_memory.TryRead(at, piece))
            {
                Unreadable++;
                return;
            }

            if (at == baseAddress &&
                (BinaryPrimitives.ReadUInt64LittleEndian(piece) != r.Id || BinaryPrimitives.ReadUInt64LittleEndian(piece[8..]) != r.Size))
            {
                return; // being made (or torn): the next sweep sees it finished
            }

            // redzone bytes in this piece
            CheckCanary(piece, at, canaryStart, r.Start, r, ref firstDamage, ref damaged, ref found);
            CheckCanary(piece, at, r.End, extentEnd, r, ref firstDamage, ref damaged, ref found);

            // user bytes in this piece, word by word
            ulong userLo = Math.Max(at, r.Start);
            ulong userHi = Math.Min(at + (ulong)n, scanEnd);
            if (userHi > userLo)
            {
                ScanWords(piece.Slice((int)(userLo - at), (int)(userHi - userLo)), userLo, holder);
                _result.Bytes += (long)(userHi - userLo);
            }

            at += (ulong)n;
        }

        if (damaged > 0)
        {
            _findings.Add(_classify.DamagedRedzone(r, firstDamage, damaged, _canary, found));
        }
    }

    private void NotePartialFill(in RangeRecord r)
    {
        if (r.Size > _fillLimit && !_partialFillNoted)
        {
            _partialFillNoted = true;
            _result.PassNotes.Add(("partial-fill", new PartialFillWarning { FillLimit = (long)_fillLimit }));
        }
    }

    private void CheckCanary(ReadOnlySpan<byte> piece, ulong pieceStart, ulong lo, ulong hi, RangeRecord r,
        ref long firstDamage, ref int damaged, ref byte found)
    {
        ulong from = Math.Max(lo, pieceStart);
        ulong to = Math.Min(hi, pieceStart + (ulong)piece.Length);
        if (to <= from)
        {
            return;
        }

        ReadOnlySpan<byte> bytes = piece.Slice((int)(from - pieceStart), (int)(to - from));
        int bad = bytes.IndexOfAnyExcept(_canary);
        if (bad < 0)
        {
            return;
        }

        ulong badAddress = from + (ulong)bad;
        for (int i = bad; i < bytes.Length; i++)
        {
            damaged += bytes[i] != _canary ? 1 : 0;
        }

        long distance = badAddress < r.Start ? -(long)(r.Start - badAddress) : (long)(badAddress - r.End);
        if (firstDamage == long.MinValue)
        {
            firstDamage = distance;
            found = bytes[bad];
        }
    }

    private void ScanRange(ulong start, ulong end, ScanHolder holder)
    {
        ulong at = (start + 7) & ~7UL;
        if (holder.Kind == HolderKind.NativeRegion)
        {
            _result.Blocks++;
        }

        while (at + 8 <= end)
        {
            int n = (int)Math.Min((ulong)_buffer.Length, (end - at) & ~7UL);
            Span<byte> piece = _buffer.AsSpan(0, n);
            if (!_memory.TryRead(at, piece))
            {
                Unreadable++;
                return;
            }

            ScanWords(piece, at, holder);
            _result.Bytes += n;
            at += (ulong)n;
        }
    }

    /// <summary>The hot loop: two unsigned range compares per word (dead ranges, GC heap); everything else is rare.
    /// Optimized at once (no tier-0 code for a loop that runs millions of times in a short-lived validator).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void ScanWords(ReadOnlySpan<byte> bytes, ulong address, ScanHolder holder)
    {
        // Align to the first 8-byte boundary inside the span.
        int skip = (int)((8 - (address & 7)) & 7);
        if (skip >= bytes.Length)
        {
            return;
        }

        bytes = bytes[skip..];
        address += (ulong)skip;
        ReadOnlySpan<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        ulong deadLo = _dead.Lo, deadSpan = _dead.Hi - _dead.Lo;
        ulong heapLo = _heap?.Lo ?? 0, heapSpan = _heap is null ? 0 : _heap.Hi - _heap.Lo;
        for (int i = 0; i < words.Length; i++)
        {
            ulong w = words[i];
            bool maybeDead = w - deadLo < deadSpan;
            bool maybeHeap = w - heapLo < heapSpan;
            if (maybeDead | maybeHeap)
            {
                ClassifyWord(w, address + (ulong)i * 8, holder, maybeDead, maybeHeap); // rare: not a pointer anything cares about
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ClassifyWord(ulong w, ulong at, ScanHolder holder, bool maybeDead, bool maybeHeap)
    {
        if (_classify.Word(w, at, holder, maybeDead, maybeHeap) is { } f)
        {
            if (f is FreedBlockWordFinding or UnmappedViewWordFinding && (holder.Kind == HolderKind.NativeHeap || InLiveHeapBlock(w)))
            {
                // The shadow allocator's blocks and glibc's share one heap: memory a freed block or view covered goes back to
                // libc and into native libraries' own blocks, whose pointers into it then match the old record (a SQLite
                // page-cache header does). A library heap's word is therefore never taken for a freed block or view.
                return;
            }

            if (holder.Kind == HolderKind.NativeHeap && f is DanglingWordFinding { Why: AddressReasons.OutsideRegions })
            {
                NoteHeapDataInReservation(w);
                return; // a library's heap holds arbitrary data: a value in no region in use is not taken for a pointer
            }

            _findings.Add(f);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Leaked pins (and other tracked handles: callbacks).

    // At exit (LeakSanitizer's moment) every pin still live is a leak: InteropGuard's pins and the pinned GCHandles the
    // generator saw allocated; a callback is not (one kept for the whole run is common). Before exit only with
    // pin_leak_ms > 0: pins and callbacks older than that. Never a call-scoped pin or callback, at exit or before: it is
    // live only while its call runs and ends with it, however long the native code blocks (a socket read, a wait).
    private void FindLeakedPins()
    {
        bool exit = _reason == SweepReason.Exit;
        if (!exit && _settings.PinLeakMs == 0)
        {
            return;
        }

        ulong limitNs = (ulong)Math.Min(_settings.PinLeakMs, long.MaxValue / 1_000_000) * 1_000_000UL;
        foreach (ref readonly RangeRecord r in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_records))
        {
            if (!r.IsLive || (r.Kind != TableLayout.KindManagedPin && r.Kind != TableLayout.KindCallback))
            {
                continue;
            }

            if ((r.Flags & TableLayout.FlagCallScoped) != 0)
            {
                continue; // live only while its call runs: a long native call, not a forgotten handle
            }

            if (exit && r.Kind != TableLayout.KindManagedPin)
            {
                continue; // at exit: pins only
            }

            ulong age = _nowNs > r.AllocTimeNs ? _nowNs - r.AllocTimeNs : 0;
            if (!exit && age <= limitNs)
            {
                continue;
            }

            Finding f = _classify.LeakedPin(r, exit, age, _settings.PinLeakMs);
            _findings.Add(f);
        }
    }
}
