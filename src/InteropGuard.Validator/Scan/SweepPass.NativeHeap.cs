// SweepPass.NativeHeap.cs: the stopped part of the native-heap scan: confirms the candidate words the running pre-scan found (or scans every tracked block when there was none) and says once what the registry could not see.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using InteropGuard.Findings;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Scan;

internal sealed partial class SweepPass
{
    private NativeHeapPlan? _nativeHeap;

    /// <summary>The native-heap plan this pass confirms (set before <see cref="Run"/>; null: no registry).</summary>
    public NativeHeapPlan? NativeHeap
    {
        set => _nativeHeap = value;
    }

    private void ScanNativeHeap()
    {
        NativeHeapPlan? plan = _nativeHeap;
        if (plan is null)
        {
            return;
        }

        NoteUncovered(plan.Counters);
        _result.NativeHeapBlocks = plan.Blocks.Count;
        _result.NativeHeapBytes = plan.BytesRead;
        var holders = new Dictionary<int, ScanHolder>();
        if (plan.Prescanned)
        {
            // Re-read the candidate words in batches (what the stop sees decides); a word that would be reported is
            // reported only if its block's slot still holds the same live block (not freed and reused since the read).
            List<HeapCandidate> candidates = plan.Candidates;
            var addresses = new ulong[candidates.Count];
            for (int i = 0; i < candidates.Count; i++)
            {
                addresses[i] = candidates[i].At;
            }

            var words = new ulong[candidates.Count];
            var ok = new bool[candidates.Count];
            _memory.ReadWords(addresses, words, ok);
            var live = new Dictionary<int, bool>();
            for (int i = 0; i < candidates.Count; i++)
            {
                HeapCandidate c = candidates[i];
                if (!ok[i])
                {
                    continue;
                }

                ulong w = words[i];
                if (KnownRetainer(plan, c.Block))
                {
                    continue;
                }

                int before = _findings.Count;
                ClassifyWord(w, c.At, HeapHolder(plan, c.Block, holders), w - _dead.Lo < _dead.Hi - _dead.Lo,
                    _heap is not null && w - _heap.Lo < _heap.Hi - _heap.Lo);
                if (_findings.Count > before)
                {
                    if (!live.TryGetValue(c.Block, out bool holds))
                    {
                        holds = NativeHeapReader.StillHolds(_memory, plan.Counters, plan.Blocks[c.Block]);
                        live[c.Block] = holds;
                    }

                    if (!holds)
                    {
                        _findings.RemoveRange(before, _findings.Count - before); // the block was freed meanwhile
                    }
                }
            }

            return;
        }

        for (int b = 0; b < plan.Blocks.Count; b++)
        {
            NativeHeapBlock block = plan.Blocks[b];
            if (!KnownRetainer(plan, b) && NativeHeapReader.StillHolds(_memory, plan.Counters, block))
            {
                ScanRange(block.Start, block.End, HeapHolder(plan, b, holders));
                _result.NativeHeapBytes += (long)block.Size;
            }
        }
    }

    private ulong[]? _heapStarts;
    private ulong[]? _heapEnds;

    /// <summary>True when <paramref name="w"/> lies in a block a hooked library holds now. The shadow allocator's blocks
    /// and libc's come from the same heap: once a freed shadow block leaves the quarantine, libc may hand its memory to a
    /// native library, whose own pointers into it then fall inside the freed block's remembered range. Blocks are live at
    /// most once, so they are sorted by start (once per pass, on the first question) and searched.</summary>
    private bool InLiveHeapBlock(ulong w)
    {
        NativeHeapPlan? plan = _nativeHeap;
        if (plan is null || plan.Blocks.Count == 0)
        {
            return false;
        }

        if (_heapStarts is null || _heapEnds is null)
        {
            var starts = new ulong[plan.Blocks.Count];
            var ends = new ulong[plan.Blocks.Count];
            for (int b = 0; b < starts.Length; b++)
            {
                starts[b] = plan.Blocks[b].Start;
                ends[b] = plan.Blocks[b].End;
            }

            Array.Sort(starts, ends);
            _heapStarts = starts;
            _heapEnds = ends;
        }

        int i = Array.BinarySearch(_heapStarts, w);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 0 && w < _heapEnds[i];
    }

    /// <summary>Libraries whose heaps keep pointers to the caller's memory by design and never read them again, with
    /// why; their blocks are not reported (said once with verbosity=1). zstd keeps the end of the last input of a
    /// compression context (window.nextSrc) between one-shot calls, to continue a frame that a one-shot call never
    /// continues (measured: ZstdNet in RealLibrariesTests).</summary>
    private static readonly (string Prefix, string Why)[] s_knownRetainers = KnownRetainers.All;

    private readonly Dictionary<int, bool> _knownRetainer = new();

    private bool KnownRetainer(NativeHeapPlan plan, int block)
    {
        if (_knownRetainer.TryGetValue(block, out bool known))
        {
            return known;
        }

        known = false;
        if (plan.Code.TryLocate(plan.Blocks[block].Caller, out CodeLocation where))
        {
            string name = Path.GetFileName(where.Library);
            foreach ((string prefix, _) in s_knownRetainers)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    known = true;
                    if (_settings.Verbosity >= 1)
                    {
                        _result.PassNotes.Add(("native-heap-known:" + prefix, new KnownRetainerWarning { Library = name, Retainer = prefix }));
                    }
                }
            }
        }

        _knownRetainer[block] = known;
        return known;
    }

    private static ScanHolder HeapHolder(NativeHeapPlan plan, int index, Dictionary<int, ScanHolder> holders)
    {
        if (holders.TryGetValue(index, out ScanHolder holder))
        {
            return holder;
        }

        NativeHeapBlock block = plan.Blocks[index];
        string how = NativeHeapLayout.HowName(block.How);
        FindingSite site;
        string? library = null;
        if (plan.Code.TryLocate(block.Caller, out CodeLocation where))
        {
            site = new FindingSite(where.ToString(), "", 0);
            library = where.Library;
        }
        else
        {
            site = new FindingSite(string.Create(CultureInfo.InvariantCulture, $"0x{block.Caller:x}"), "", 0);
        }

        holder = new ScanHolder(HolderKind.NativeHeap, block.Start, block.Size, site, library, null, how);
        holders[index] = holder;
        return holder;
    }

    /// <summary>Says once (verbosity=1) that native-heap words in the GC's reservation but in no region in use were not
    /// reported: measured, e_sqlite3 keeps such a value (0x7f0200000000, data that happens to fall in the reservation) in
    /// a statement block, and a pointer into a region the GC gave back is far rarer than such data.</summary>
    private void NoteHeapDataInReservation(ulong word)
    {
        if (_settings.Verbosity >= 1)
        {
            _result.PassNotes.Add(("native-heap-outside-regions", new HeapWordInGcReservationWarning { Word = word }));
        }
    }

    /// <summary>Says once what the registry could not see: frees of blocks it never recorded (allocated before their
    /// library was hooked, or by code that is not hooked; with verbosity=1, where the start-up line names the same gap)
    /// and, always, allocations left out because their slot window was full.</summary>
    private void NoteUncovered(NativeHeapCounters counters)
    {
        if (counters.UntrackedFrees > 0 && _settings.Verbosity >= 1)
        {
            _result.PassNotes.Add(("native-heap-uncovered", new UntrackedFreesWarning { Count = (long)counters.UntrackedFrees }));
        }

        if (counters.Dropped > 0)
        {
            _result.PassNotes.Add(("native-heap-dropped", new DroppedHeapBlocksWarning { Count = (long)counters.Dropped, Capacity = (long)counters.Capacity }));
        }
    }
}
