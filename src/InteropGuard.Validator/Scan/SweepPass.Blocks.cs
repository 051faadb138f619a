// SweepPass.Blocks.cs: the stopped part of the scan of InteropGuard's own blocks read while the target ran: re-reads their candidate words in batched reads.
using System.Collections.Generic;
using InteropGuard.Validator.Table;

namespace InteropGuard.Validator.Scan;

internal sealed partial class SweepPass
{
    private BlockPlan? _blockPlan;

    /// <summary>The blocks read while the target ran (set before <see cref="Run"/>; null: every block is scanned in the stop).</summary>
    public BlockPlan? Blocks
    {
        set => _blockPlan = value;
    }

    /// <summary>For each block the running read kept (finished, redzones intact, same record id now): its candidate words
    /// are re-read in one batch and classified as the stopped scan would. The block is the one that was read: a record id
    /// names one allocation (its slot's generation grows at every reuse), and the stop's record says it is still live.
    /// Redzones are not read again: damage done after the running read stays until the block is freed, where
    /// <c>ig_free</c> reports it, and the next sweep sees it before.</summary>
    private void ConfirmPlannedBlocks(List<(RangeRecord Record, PlannedBlock Plan)> planned)
    {
        if (planned.Count == 0 || _blockPlan is null)
        {
            return;
        }

        var candidates = new List<ulong>();
        var holders = new List<(int End, ScanHolder Holder)>();
        foreach ((RangeRecord r, PlannedBlock p) in planned)
        {
            _result.Blocks++;
            _result.Bytes += p.Bytes;
            NotePartialFill(r);
            for (int i = 0; i < p.Count; i++)
            {
                candidates.Add(_blockPlan.Candidates[p.First + i]);
            }

            holders.Add((candidates.Count, new ScanHolder(HolderKind.NativeBlock, r.Start, r.Size, null, null, r)));
        }

        // The candidate words as they are now.
        var words = new ulong[candidates.Count];
        var read = new bool[candidates.Count];
        _memory.ReadWords(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates), words, read);
        ulong deadLo = _dead.Lo, deadSpan = _dead.Hi - _dead.Lo;
        ulong heapLo = _heap?.Lo ?? 0, heapSpan = _heap is null ? 0 : _heap.Hi - _heap.Lo;
        int h = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            while (i >= holders[h].End)
            {
                h++;
            }

            if (!read[i])
            {
                Unreadable++;
                continue;
            }

            ulong value = words[i];
            bool maybeDead = value - deadLo < deadSpan;
            bool maybeHeap = value - heapLo < heapSpan;
            if (maybeDead | maybeHeap)
            {
                ClassifyWord(value, candidates[i], holders[h].Holder, maybeDead, maybeHeap);
            }
        }
    }
}
