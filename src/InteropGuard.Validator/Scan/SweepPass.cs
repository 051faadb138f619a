// SweepPass.cs: the work of one stop of the target: read the table, check retained ranges, scan native memory as roots, check redzones, find leaked pins.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using InteropGuard.Native;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Scan;

/// <summary>One stop. Every read is bounded and checked; a record or block that cannot be read is skipped and counted,
/// never trusted. Produces raw findings (the <see cref="Sweeper"/> filters detect_ options and duplicates).</summary>
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
    private RangeIndex _live = new(new());
    private RangeIndex _dead = new(new());
    private byte _canary;
    private ulong _fillLimit = ulong.MaxValue;
    private bool _partialFillNoted;
    private ulong _nowNs;

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

    public int Torn { get; private set; }

    public int Unreadable { get; private set; }

    public void Run(IReadOnlyList<LibraryData> libraries)
    {
        TableHeader header = _table.ReadHeader(_memory);
        _canary = header.CanaryByte;
        _fillLimit = header.FillLimit;
        _nowNs = MonotonicClock.NowNs();
        _records = _table.ReadRecords(_memory, out int torn, out int unreadable);
        Torn = torn;
        Unreadable = unreadable;
        BuildIndexes();
        CheckRetainedRanges();

        for (int i = 0; i < _records.Count; i++)
        {
            RangeRecord r = _records[i];
            if (!r.IsLive)
            {
                continue;
            }

            if (r.Kind == TableLayout.KindNativeBlock)
            {
                ScanBlock(r);
            }
            else if (r.Kind == TableLayout.KindNativeRegion)
            {
                ScanRange(r.Start, r.End, new Holder(HolderKind.NativeRegion, r.Start, r.Size, Site(r.AllocSite), null));
            }
        }

        foreach (LibraryData data in libraries)
        {
            ScanRange(data.Start, data.End, new Holder(HolderKind.LibraryData, data.Start, data.End - data.Start, null, data.Path));
        }

        ScanNativeHeap();

        FindLeakedPins();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Indexes: live ranges (any kind) and dead ones (freed blocks, released pins, unmapped views, released callbacks)
    // for the words the scan finds.

    private void BuildIndexes()
    {
        var live = new List<(ulong, ulong, ulong, int)>();
        var dead = new List<(ulong, ulong, ulong, int)>();
        for (int i = 0; i < _records.Count; i++)
        {
            RangeRecord r = _records[i];
            ulong lo = r.Start - r.RedzoneLeft;
            ulong hi = r.End + r.RedzoneRight;
            if (hi == lo)
            {
                hi = lo + 1; // zero-size ranges are tracked as one byte
            }

            if (r.IsLive)
            {
                _result.Pins += r.Kind == TableLayout.KindManagedPin ? 1 : 0;
                live.Add((lo, hi, r.AllocSeq, i));
            }
            else if ((r.State == TableLayout.StateFreed && r.Kind == TableLayout.KindNativeBlock) ||
                     (r.State == TableLayout.StateReleased && r.Kind is TableLayout.KindManagedPin or TableLayout.KindMappedView or TableLayout.KindCallback))
            {
                dead.Add((lo, hi, r.AllocSeq, i));
            }
        }

        _live = new RangeIndex(live);
        _dead = new RangeIndex(dead);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Retained ranges: the object of a retained pin must be alive, in place and pinned; a retained callback's delegate alive.

    private void CheckRetainedRanges()
    {
        foreach (RangeRecord r in _records)
        {
            if (!r.IsLive || !r.IsRetained || r.UserTag == 0)
            {
                continue;
            }

            if (r.Kind == TableLayout.KindCallback)
            {
                if (_memory.TryReadUInt64(r.UserTag, out ulong target) && target == 0)
                {
                    Finding f = RangeFinding(FindingKinds.CollectedDelegateCallback, r, r.Start,
                        $"a callback (entry 0x{r.Start:x}) registered at {Site(r.AllocSite)?.Short ?? "an unknown site"} is still retained by native code, but its delegate was collected; the next call through it jumps into freed code.");
                    _findings.Add(f);
                }

                continue;
            }

            if (r.Kind != TableLayout.KindManagedPin || _heap is null || !_memory.TryReadUInt64(r.UserTag, out ulong obj))
            {
                continue;
            }

            string pin = $"a retained {r.Size}-byte pin [0x{r.Start:x}, 0x{r.End:x}) made at {Site(r.AllocSite)?.Short ?? "an unknown site"}";
            if (obj == 0)
            {
                _findings.Add(RangeFinding(FindingKinds.DanglingManagedPointer, r, r.Start,
                    $"{pin} is still live, but its object was collected: native code holds memory the GC may reuse."));
                continue;
            }

            ManagedVerdict v = _heap.ClassifyObjectAt(obj);
            if (v.Kind == VerdictKind.Dangling || (v.ObjectSize != 0 && (r.Start < obj || r.Start >= obj + Math.Max(v.ObjectSize, 8) + 8)))
            {
                Finding f = RangeFinding(FindingKinds.DanglingManagedPointer, r, r.Start,
                    $"{pin} no longer covers its object: {v.ObjectType ?? "the object"} now lives at 0x{obj:x}, so native code holds stale memory.");
                SetObject(f, v, r.Start);
                _findings.Add(f);
            }
            else if (v.Kind == VerdictKind.Unpinned)
            {
                Finding f = RangeFinding(FindingKinds.UnpinnedManagedPointer, r, r.Start,
                    $"{pin} covers {v.ObjectType} ({v.ObjectSize} bytes) at 0x{obj:x}, which no pinned handle, POH/frozen segment or fixed stack root pins: the GC may move it under native code.");
                SetObject(f, v, r.Start);
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
        var holder = new Holder(HolderKind.NativeBlock, r.Start, r.Size, null, null, r);
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
        if (scanEnd != r.End && !_partialFillNoted)
        {
            _partialFillNoted = true;
            _result.PassNotes.Add(("partial-fill", string.Create(CultureInfo.InvariantCulture,
                $"the target fills new native blocks only in their first {_fillLimit} bytes (max_malloc_fill_size; mode 2 fills them completely), so bytes past that in bigger blocks may hold what an earlier allocation left there; they are not scanned for pointers (redzones still are).")));
        }

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
            string where = firstDamage < 0
                ? $"{-firstDamage} bytes before its start (the left canary)"
                : firstDamage == 0 ? "its first byte past the end" : $"{firstDamage} bytes past its end";
            Finding f = RangeFinding(FindingKinds.NativeBufferOverflow, r, (ulong)((long)(firstDamage < 0 ? r.Start : r.End) + firstDamage),
                $"a redzone of the {r.Size}-byte native block [0x{r.Start:x}, 0x{r.End:x}) allocated at {Site(r.AllocSite)?.Short ?? "an unknown site"} was overwritten from {where}: {damaged} damaged bytes (canary 0x{_canary:x2}, found 0x{found:x2}); native code wrote outside the block between calls.");
            f.Detail = firstDamage;
            _findings.Add(f);
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

    private void ScanRange(ulong start, ulong end, Holder holder)
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
    private void ScanWords(ReadOnlySpan<byte> bytes, ulong address, Holder holder)
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
    private void ClassifyWord(ulong w, ulong at, Holder holder, bool maybeDead, bool maybeHeap)
    {
        if (maybeDead)
        {
            int dead = _dead.Find(w);
            if (dead >= 0)
            {
                int live = _live.Find(w);
                if (live >= 0)
                {
                    return; // a live range containing the word wins over a released one
                }

                ReportDeadRange(w, at, holder, _records[dead]);
                return;
            }
        }

        if (!maybeHeap || _heap is null)
        {
            return;
        }

        int liveRange = _live.Find(w);
        if (liveRange >= 0 && _records[liveRange].Kind == TableLayout.KindManagedPin)
        {
            return; // inside a live tracked pin: pinned by its handle
        }

        ManagedVerdict v = _heap.Classify(w);
        if (v.Kind == VerdictKind.Unpinned)
        {
            Finding f = WordFinding(FindingKinds.UnpinnedManagedPointer, w, at, holder,
                $"{w - v.ObjectAddress} bytes into {v.ObjectType} ({v.ObjectSize} bytes) at 0x{v.ObjectAddress:x}, which no pinned handle, POH/frozen segment or fixed stack root pins: the GC may move it while native code still points at it.");
            SetObject(f, v, w);
            _findings.Add(f);
        }
        else if (v.Kind == VerdictKind.Dangling)
        {
            if (holder.Kind == HolderKind.NativeHeap && string.Equals(v.Why, HeapView.OutsideRegions, StringComparison.Ordinal))
            {
                NoteHeapDataInReservation(w);
                return; // a library's heap holds arbitrary data: a value in no region in use is not taken for a pointer
            }

            Finding f = WordFinding(FindingKinds.DanglingManagedPointer, w, at, holder,
                $"memory of the GC heap where no live object is ({v.Why}): the object it pointed at was moved or collected.");
            _findings.Add(f);
        }
    }

    private void ReportDeadRange(ulong w, ulong at, Holder holder, RangeRecord r)
    {
        double sinceMs = SinceMs(r.ReleaseTimeNs);
        string alloc = Site(r.AllocSite)?.Short ?? "an unknown site";
        string release = Site(r.ReleaseSite)?.Short ?? "an unknown site";
        Finding f;
        if (r.Kind == TableLayout.KindNativeBlock)
        {
            f = WordFinding(FindingKinds.NativeUseAfterFree, w, at, holder,
                $"{Offset(w, r)} a {r.Size}-byte native block [0x{r.Start:x}, 0x{r.End:x}) allocated at {alloc} and freed at {release} {sinceMs:F1} ms ago.");
        }
        else if (r.Kind == TableLayout.KindMappedView)
        {
            f = WordFinding(FindingKinds.UseAfterUnmap, w, at, holder,
                $"{Offset(w, r)} a {r.Size}-byte mapped view [0x{r.Start:x}, 0x{r.End:x}) mapped at {alloc} and unmapped at {release} {sinceMs:F1} ms ago: the next access faults or reads whatever is mapped there now.");
        }
        else if (r.Kind == TableLayout.KindCallback && (r.Flags & TableLayout.FlagCallScoped) != 0)
        {
            // Released when its call returned, not when its delegate died: a kept pointer is a bug only once the delegate is gone.
            CallbackFate fate = FateOf(r);
            if (fate == CallbackFate.Alive)
            {
                return;
            }

            if (fate == CallbackFate.Unknown)
            {
                _result.PassNotes.Add(("callback-unknown:" + r.AllocSite.ToString(CultureInfo.InvariantCulture),
                    $"native memory holds the function pointer of a delegate passed for one call at {alloc}, and later calls there passed other delegates; InteropGuard follows only the latest delegate per call site and cannot tell whether this one is still alive. If native code keeps the callback, mark the P/Invoke parameter [RetainedByNative]."));
                return;
            }

            f = WordFinding(FindingKinds.CollectedDelegateCallback, w, at, holder,
                $"the entry of a callback passed to native code for the P/Invoke call at {alloc}, whose delegate the GC has collected since: native code kept the function pointer after the call, and a call through it runs freed code.");
        }
        else if (r.Kind == TableLayout.KindCallback)
        {
            f = WordFinding(FindingKinds.CollectedDelegateCallback, w, at, holder,
                $"the entry of a callback created at {alloc} and released at {release} {sinceMs:F1} ms ago: native code still holds the function pointer, and a call through it runs a stub whose delegate may be gone.");
        }
        else
        {
            string obj = "";
            ManagedVerdict v = default;
            if (r.UserTag != 0 && _heap is not null && _memory.TryReadUInt64(r.UserTag, out ulong target) && target != 0)
            {
                v = _heap.ClassifyObjectAt(target);
                obj = v.ObjectType is null ? "" : $" of {v.ObjectType} (now at 0x{target:x})";
            }
            else if (r.UserTag != 0)
            {
                obj = " of an object that was collected since";
            }

            string noun = (r.Flags & TableLayout.FlagManagedString) != 0 ? "pinned string" : "pin";
            string span = (r.Flags & TableLayout.FlagCallScoped) != 0
                ? $"pinned only for the P/Invoke call at {alloc}"   // generated code: the pin ends with the call
                : $"made at {alloc} and released at {release}";
            f = WordFinding(FindingKinds.UseAfterUnpin, w, at, holder,
                $"{Offset(w, r)} a {r.Size}-byte {noun} [0x{r.Start:x}, 0x{r.End:x}){obj} {span} {sinceMs:F1} ms ago: the GC may move or free that memory.");
            if (v.ObjectType is not null)
            {
                f.ObjectAddress = v.ObjectAddress;
                f.ObjectType = v.ObjectType;
                f.ObjectSize = v.ObjectSize;
            }
        }

        SetRange(f, r);
        f.SinceReleaseMs = sinceMs;
        _findings.Add(f);
    }

    private enum CallbackFate
    {
        Alive,
        Collected,
        Unknown,
    }

    /// <summary>The fate of a call-scoped callback's delegate, from the slot cell its user_tag points at (16 bytes:
    /// the id of the latest range registered through the slot, then the address of a weak GC handle to that range's
    /// delegate; src/InteropGuard/Interception/CallScopedCallbacks.cs). A superseded range, or a cell that cannot be
    /// read, is unknown.</summary>
    private CallbackFate FateOf(RangeRecord r)
    {
        if (r.UserTag == 0 || !_memory.TryReadUInt64(r.UserTag, out ulong latest) || latest != r.Id ||
            !_memory.TryReadUInt64(r.UserTag + 8, out ulong handle) || handle == 0 || !_memory.TryReadUInt64(handle, out ulong target))
        {
            return CallbackFate.Unknown;
        }

        return target == 0 ? CallbackFate.Collected : CallbackFate.Alive;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Leaked pins (and other tracked handles: callbacks).

    // At exit (LeakSanitizer's moment) every pin still live is a leak: InteropGuard's pins and the pinned GCHandles the
    // generator saw allocated; a call-scoped pin is not (it ends with its call, which another thread may still be in), nor
    // is a callback (one kept for the whole run is common). Before exit only with pin_leak_ms > 0: pins and callbacks
    // older than that.
    private void FindLeakedPins()
    {
        bool exit = _reason == SweepReason.Exit;
        if (!exit && _settings.PinLeakMs == 0)
        {
            return;
        }

        ulong limitNs = (ulong)Math.Min(_settings.PinLeakMs, long.MaxValue / 1_000_000) * 1_000_000UL;
        foreach (RangeRecord r in _records)
        {
            if (!r.IsLive || (r.Kind != TableLayout.KindManagedPin && r.Kind != TableLayout.KindCallback))
            {
                continue;
            }

            if (r.Kind == TableLayout.KindCallback && (r.Flags & TableLayout.FlagCallScoped) != 0)
            {
                continue; // live only while its call runs: a long native call, not a forgotten handle
            }

            if (exit && (r.Kind != TableLayout.KindManagedPin || (r.Flags & TableLayout.FlagCallScoped) != 0))
            {
                continue; // at exit: pins only, and not the pins of calls still running
            }

            ulong age = _nowNs > r.AllocTimeNs ? _nowNs - r.AllocTimeNs : 0;
            if (!exit && age <= limitNs)
            {
                continue;
            }

            string what = r.Kind == TableLayout.KindCallback ? "a callback handle" : $"a pin of {r.Size} bytes [0x{r.Start:x}, 0x{r.End:x})";
            string made = Site(r.AllocSite)?.Short ?? "an unknown site";
            string text = exit
                ? $"{what} made at {made} is still alive at exit ({age / 1_000_000.0:F0} ms old); forgot to Dispose() the pin or Free() the GCHandle?"
                : $"{what} made at {made} has been alive for {age / 1_000_000.0:F0} ms (pin_leak_ms={_settings.PinLeakMs}); forgot to Dispose() it?";
            Finding f = RangeFinding(FindingKinds.LeakedPin, r, r.Start, text);
            f.SinceReleaseMs = age / 1_000_000.0;
            _findings.Add(f);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Finding construction.

    private Finding WordFinding(string kind, ulong value, ulong at, Holder holder, string pointsAt)
    {
        string holderText = holder.Kind switch
        {
            HolderKind.NativeBlock => $"{at - holder.Start} bytes into a {holder.Size}-byte native block [0x{holder.Start:x}, 0x{holder.Start + holder.Size:x}) allocated at {Site(holder.Record!.Value.AllocSite)?.Short ?? "an unknown site"}",
            HolderKind.NativeHeap => HeapHolderText(holder, at),
            HolderKind.NativeRegion => $"{at - holder.Start} bytes into a {holder.Size}-byte native region [0x{holder.Start:x}, 0x{holder.Start + holder.Size:x}) registered at {holder.Site?.Short ?? "an unknown site"}",
            _ => $"the data segment (.data/.bss) of {Path.GetFileName(holder.Library)} at 0x{at:x}",
        };
        var f = new Finding(kind, value, string.Create(CultureInfo.InvariantCulture, $"{holderText} holds 0x{value:x}, {pointsAt}"))
        {
            Size = 8,
            Holder = holder.Kind,
            HolderAddress = at,
            HolderStart = holder.Start,
            HolderSize = holder.Size,
            HolderOffset = at - holder.Start,
            HolderSite = holder.Record is RangeRecord rec ? Site(rec.AllocSite) : holder.Site,
            Library = holder.Library,
        };
        return f;
    }

    private Finding RangeFinding(string kind, RangeRecord r, ulong address, string evidence)
    {
        var f = new Finding(kind, address, evidence) { Size = r.Size, Holder = HolderKind.Range };
        SetRange(f, r);
        return f;
    }

    private void SetRange(Finding f, RangeRecord r)
    {
        f.RangeId = r.Id;
        f.RangeKind = TableLayout.KindName(r.Kind);
        f.RangeFlags = r.Flags & TableLayout.FlagsReported;
        f.RangeStart = r.Start;
        f.RangeSize = r.Size;
        f.AllocSite = Site(r.AllocSite);
        f.ReleaseSite = Site(r.ReleaseSite);
        if (r.ReleaseTimeNs != 0 && !r.IsLive)
        {
            f.SinceReleaseMs = SinceMs(r.ReleaseTimeNs);
        }
    }

    private static void SetObject(Finding f, ManagedVerdict v, ulong address)
    {
        if (v.ObjectAddress == 0)
        {
            return;
        }

        f.ObjectAddress = v.ObjectAddress;
        f.ObjectType = v.ObjectType;
        f.ObjectSize = v.ObjectSize;
        if (address >= v.ObjectAddress)
        {
            f.ObjectOffset = address - v.ObjectAddress;
        }
    }

    private static string Offset(ulong w, RangeRecord r) =>
        w >= r.Start ? $"{w - r.Start} bytes into" : $"{r.Start - w} bytes before";

    private double SinceMs(ulong thenNs) => thenNs != 0 && _nowNs > thenNs ? (_nowNs - thenNs) / 1_000_000.0 : 0;

    private FindingSite? Site(uint id) => _table.GetSite(_memory, id);

    /// <summary>What holds the words being scanned.</summary>
    private readonly record struct Holder(HolderKind Kind, ulong Start, ulong Size, FindingSite? Site, string? Library, RangeRecord? Record = null, string? How = null);
}
