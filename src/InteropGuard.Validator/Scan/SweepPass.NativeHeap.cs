// SweepPass.NativeHeap.cs: the stopped part of the native-heap scan: confirms the candidate words the running pre-scan found (or scans every tracked block when there was none) and says once what the registry could not see.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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
        var holders = new Dictionary<int, Holder>();
        if (plan.Prescanned)
        {
            // Re-read, in batches, each candidate block's slot (the same block still live) and each candidate word: what
            // the stop sees decides.
            List<HeapCandidate> candidates = plan.Candidates;
            var live = new Dictionary<int, bool>();
            foreach (HeapCandidate c in candidates)
            {
                live[c.Block] = false;
            }

            var blocks = new List<int>(live.Keys);
            var slotWords = new ulong[blocks.Count * 4];
            var slotAddresses = new ulong[blocks.Count * 4];
            for (int i = 0; i < blocks.Count; i++)
            {
                ulong slot = plan.Counters.Slots + plan.Blocks[blocks[i]].Slot * NativeHeapLayout.SlotSize;
                for (int k = 0; k < 4; k++)
                {
                    slotAddresses[i * 4 + k] = slot + (ulong)k * 8;
                }
            }

            var slotOk = new bool[slotWords.Length];
            _memory.ReadWords(slotAddresses, slotWords, slotOk);
            for (int i = 0; i < blocks.Count; i++)
            {
                NativeHeapBlock block = plan.Blocks[blocks[i]];
                live[blocks[i]] = slotOk[i * 4] && slotOk[i * 4 + 1] && slotOk[i * 4 + 3] && slotWords[i * 4] == block.Start &&
                                  slotWords[i * 4 + 1] == block.Size && (uint)slotWords[i * 4 + 3] == 1u;
            }

            var addresses = new ulong[candidates.Count];
            for (int i = 0; i < candidates.Count; i++)
            {
                addresses[i] = candidates[i].At;
            }

            var words = new ulong[candidates.Count];
            var ok = new bool[candidates.Count];
            _memory.ReadWords(addresses, words, ok);
            for (int i = 0; i < candidates.Count; i++)
            {
                HeapCandidate c = candidates[i];
                if (ok[i] && live[c.Block])
                {
                    ulong w = words[i];
                    ClassifyWord(w, c.At, HeapHolder(plan, c.Block, holders), w - _dead.Lo < _dead.Hi - _dead.Lo,
                        _heap is not null && w - _heap.Lo < _heap.Hi - _heap.Lo);
                }
            }

            return;
        }

        for (int b = 0; b < plan.Blocks.Count; b++)
        {
            NativeHeapBlock block = plan.Blocks[b];
            if (NativeHeapReader.StillHolds(_memory, plan.Counters, block))
            {
                ScanRange(block.Start, block.End, HeapHolder(plan, b, holders));
                _result.NativeHeapBytes += (long)block.Size;
            }
        }
    }

    private static Holder HeapHolder(NativeHeapPlan plan, int index, Dictionary<int, Holder> holders)
    {
        if (holders.TryGetValue(index, out Holder holder))
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

        holder = new Holder(HolderKind.NativeHeap, block.Start, block.Size, site, library, null, how);
        holders[index] = holder;
        return holder;
    }

    private static string HeapHolderText(Holder holder, ulong at) =>
        $"{at - holder.Start} bytes into a {holder.Size}-byte block that {Allocator(holder.Library)} allocated with {holder.How} at {holder.Site?.Function ?? "an unknown address"}";

    /// <summary>Who asked for a block: a native library by file name, or managed code when the caller lies in a managed
    /// image (libSystem.Native's SystemNative_Malloc &amp; co. tail-call malloc, so the return address is the P/Invoke's).</summary>
    private static string Allocator(string? library) =>
        library is null ? "native code"
        : library.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "managed code (NativeMemory or Marshal.AllocHGlobal, through libSystem.Native)"
        : Path.GetFileName(library);

    /// <summary>Says once what the registry could not see: frees of blocks it never recorded (allocated before their
    /// library was hooked, or by code that is not hooked; with verbosity=1, where the start-up line names the same gap)
    /// and, always, allocations left out because their slot window was full.</summary>
    private void NoteUncovered(NativeHeapCounters counters)
    {
        if (counters.UntrackedFrees > 0 && _settings.Verbosity >= 1)
        {
            _result.PassNotes.Add(("native-heap-uncovered", string.Create(CultureInfo.InvariantCulture,
                $"native libraries freed {counters.UntrackedFrees} block(s) that native-heap tracking never saw allocated (allocated before InteropGuard hooked their library, for example during its load, or by code it does not hook): pointers kept in such blocks are not checked.")));
        }

        if (counters.Dropped > 0)
        {
            _result.PassNotes.Add(("native-heap-dropped", string.Create(CultureInfo.InvariantCulture,
                $"{counters.Dropped} native-heap blocks were left untracked because the registry's slots around them were full; raise native_heap_blocks (now {counters.Capacity}).")));
        }
    }
}
