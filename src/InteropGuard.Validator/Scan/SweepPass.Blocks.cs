// SweepPass.Blocks.cs: the stopped part of the scan of InteropGuard's own blocks read while the target ran: confirms each block's header and re-reads its candidate words, in batched reads.
using System;
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

    /// <summary>For each block the running read kept (finished, redzones intact): its header (id, size) is read again; a
    /// block whose header changed is scanned whole (as a block being made or freed is), the others have their candidate
    /// words re-read and classified as the stopped scan would. Redzones are not read again: damage done after the
    /// running read stays until the block is freed, where <c>ig_free</c> reports it, and the next sweep sees it before.</summary>
    private void ConfirmPlannedBlocks(List<(RangeRecord Record, PlannedBlock Plan)> planned)
    {
        if (planned.Count == 0 || _blockPlan is null)
        {
            return;
        }

        // 1. The header words (id, size) of every block, in one batch.
        var addresses = new ulong[planned.Count * 2];
        for (int b = 0; b < planned.Count; b++)
        {
            RangeRecord r = planned[b].Record;
            addresses[2 * b] = r.Start - r.RedzoneLeft;
            addresses[2 * b + 1] = r.Start - r.RedzoneLeft + 8;
        }

        var values = new ulong[addresses.Length];
        var ok = new bool[addresses.Length];
        _memory.ReadWords(addresses, values, ok);

        // 2. Blocks still the same keep their candidates; the others are scanned whole.
        var candidates = new List<ulong>();
        var holders = new List<(int End, ScanHolder Holder)>();
        for (int b = 0; b < planned.Count; b++)
        {
            (RangeRecord r, PlannedBlock p) = planned[b];
            if (!ok[2 * b] || !ok[2 * b + 1] || values[2 * b] != r.Id || values[2 * b + 1] != r.Size)
            {
                ScanBlock(r);
                continue;
            }

            _result.Blocks++;
            _result.Bytes += p.Bytes;
            NotePartialFill(r);
            for (int i = 0; i < p.Count; i++)
            {
                candidates.Add(_blockPlan.Candidates[p.First + i]);
            }

            holders.Add((candidates.Count, new ScanHolder(HolderKind.NativeBlock, r.Start, r.Size, null, null, r)));
        }

        // 3. The candidate words as they are now.
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
