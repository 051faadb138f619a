// NativeHeapPlan.cs: the part of a sweep over the native heap that runs before the stop: reads the registry and every tracked block while the target runs and keeps the words that may point into the GC heap or a dead range.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Scan;

/// <summary>A word found while the target ran: the block (index into <see cref="NativeHeapPlan.Blocks"/>) and its address.</summary>
internal readonly record struct HeapCandidate(int Block, ulong At);

/// <summary>What the stop has to confirm about the native heap. With the GC's fixed reservation known (regions GC), the
/// blocks are read and filtered while the target runs and the stop re-reads only the candidate words (and their
/// blocks' slots): the pause grows with the candidates, not with the heap. Without it (segments GC) the stop scans
/// every block, as for InteropGuard's own blocks.</summary>
internal sealed class NativeHeapPlan
{
    private NativeHeapPlan(NativeHeapCounters counters, List<NativeHeapBlock> blocks, CodeLocator code)
    {
        Counters = counters;
        Blocks = blocks;
        Code = code;
    }

    public NativeHeapCounters Counters { get; }

    public List<NativeHeapBlock> Blocks { get; }

    public CodeLocator Code { get; }

    /// <summary>True when <see cref="Candidates"/> is the whole answer; false when the stop must scan every block.</summary>
    public bool Prescanned { get; private set; }

    public List<HeapCandidate> Candidates { get; } = new();

    /// <summary>Bytes of block memory read before the stop.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Blocks that could not be read (freed and unmapped since the registry was read).</summary>
    public int Unreadable { get; private set; }

    /// <summary>Reads the registry whose header the running table names, then (when <paramref name="gcRange"/> is known)
    /// every block; null when the target has no registry (tracking off, another mode, an older library) or no table was
    /// read.</summary>
    public static NativeHeapPlan? Prepare(int pid, RunningTable? table, (ulong Lo, ulong Hi) gcRange)
    {
        if (table is null || !NativeHeapReader.TryReadHeader(table.Memory, table.Header.NativeHeap, out NativeHeapCounters counters))
        {
            return null;
        }

        byte[] buffer = new byte[TargetMemory.ChunkBytes];
        List<NativeHeapBlock> blocks = NativeHeapReader.ReadBlocks(table.Memory, counters, buffer, out _);
        var plan = new NativeHeapPlan(counters, blocks, CodeLocator.Read(pid));
        if (gcRange.Hi > gcRange.Lo)
        {
            // A word into the GC heap that a live pin covers is not a candidate (pinned by its handle; if the pin is
            // released before the stop, the next sweep sees the word against a released pin), which keeps native memory
            // that holds pinned buffers out of the pause.
            plan.Prefilter(table.Memory, buffer, new CandidateFilter(gcRange.Lo, gcRange.Hi, table.Dead, table.Pins));
        }

        return plan;
    }

    private void Prefilter(TargetMemory memory, byte[] buffer, CandidateFilter filter)
    {
        var found = new List<ulong>();
        for (int b = 0; b < Blocks.Count; b++)
        {
            NativeHeapBlock block = Blocks[b];
            ulong at = (block.Start + 7) & ~7UL;
            while (at + 8 <= block.End)
            {
                int n = (int)Math.Min((ulong)buffer.Length, (block.End - at) & ~7UL);
                Span<byte> piece = buffer.AsSpan(0, n);
                if (!memory.TryRead(at, piece))
                {
                    Unreadable++;
                    break;
                }

                filter.Collect(MemoryMarshal.Cast<byte, ulong>(piece), at, found);
                BytesRead += n;
                at += (ulong)n;
            }

            foreach (ulong word in found)
            {
                Candidates.Add(new HeapCandidate(b, word));
            }

            found.Clear();
        }

        Prescanned = true;
    }
}
