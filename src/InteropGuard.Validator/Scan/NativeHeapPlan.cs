// NativeHeapPlan.cs: the part of a sweep over the native heap that runs before the stop: reads the registry and every tracked block while the target runs and keeps the words that may point into the GC heap or a dead range.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
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

    /// <summary>Reads the registry whose header the table names, then (when <paramref name="gcRange"/> is known) every
    /// block; null when the target has no registry (tracking off, another mode, an older library).</summary>
    public static NativeHeapPlan? Prepare(int pid, ShadowTableReader table, (ulong Lo, ulong Hi) gcRange)
    {
        var memory = new TargetMemory(null, pid);
        TableHeader header;
        try
        {
            header = table.ReadHeader(memory);
        }
        catch (ValidatorException)
        {
            return null; // torn while running: the stop reads it properly
        }

        if (!NativeHeapReader.TryReadHeader(memory, header.NativeHeap, out NativeHeapCounters counters))
        {
            return null;
        }

        byte[] buffer = new byte[TargetMemory.ChunkBytes];
        List<NativeHeapBlock> blocks = NativeHeapReader.ReadBlocks(memory, counters, buffer, out _);
        var plan = new NativeHeapPlan(counters, blocks, CodeLocator.Read(pid));
        if (gcRange.Hi > gcRange.Lo)
        {
            (RangeIndex dead, RangeIndex pins) = Ranges(table, memory);
            plan.Prefilter(memory, buffer, gcRange.Lo, gcRange.Hi - gcRange.Lo, dead, pins);
        }

        return plan;
    }

    /// <summary>The dead ranges (freed blocks, released pins, views and callbacks, and every live callback) and the live pins, as the running
    /// target's table shows them. A word pointing into a dead range is a candidate; a word into the GC heap that a live
    /// pin covers is not (pinned by its handle; if the pin is released before the stop, the next sweep sees the word
    /// against a released pin), which keeps native memory that holds pinned buffers out of the pause.</summary>
    private static (RangeIndex Dead, RangeIndex Pins) Ranges(ShadowTableReader table, TargetMemory memory)
    {
        var dead = new List<(ulong, ulong, ulong, int)>();
        var pins = new List<(ulong, ulong, ulong, int)>();
        foreach (RangeRecord r in table.ReadRecords(memory, out _, out _))
        {
            ulong lo = r.Start - r.RedzoneLeft;
            ulong hi = Math.Max(r.End + r.RedzoneRight, lo + 1);
            if (!r.IsLive || r.Kind == TableLayout.KindCallback) // a live callback too: its delegate may be collected by the stop
            {
                dead.Add((lo, hi, r.AllocSeq, 0));
            }
            else if (r.Kind == TableLayout.KindManagedPin)
            {
                pins.Add((lo, hi, r.AllocSeq, 0));
            }
        }

        return (new RangeIndex(dead), new RangeIndex(pins));
    }

    private void Prefilter(TargetMemory memory, byte[] buffer, ulong heapLo, ulong heapSpan, RangeIndex dead, RangeIndex pins)
    {
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

                Filter(MemoryMarshal.Cast<byte, ulong>(piece), at, b, heapLo, heapSpan, dead, pins);
                BytesRead += n;
                at += (ulong)n;
            }
        }

        Prescanned = true;
    }

    /// <summary>The hot loop: two unsigned range compares per word, as the stopped scan's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Filter(ReadOnlySpan<ulong> words, ulong address, int block, ulong heapLo, ulong heapSpan, RangeIndex dead, RangeIndex pins)
    {
        ulong deadLo = dead.Lo, deadSpan = dead.Hi - dead.Lo;
        for (int i = 0; i < words.Length; i++)
        {
            ulong w = words[i];
            bool maybeDead = w - deadLo < deadSpan;
            if (w - heapLo < heapSpan || maybeDead)
            {
                Consider(w, address + (ulong)i * 8, block, maybeDead, dead, pins); // rare
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Consider(ulong w, ulong at, int block, bool maybeDead, RangeIndex dead, RangeIndex pins)
    {
        if (maybeDead && dead.Find(w) >= 0)
        {
            Candidates.Add(new HeapCandidate(block, at));
        }
        else if (pins.Find(w) < 0)
        {
            Candidates.Add(new HeapCandidate(block, at)); // in the GC's range and no live pin covers it
        }
        else
        {
            CoveredByPins++;
        }
    }

    /// <summary>Words into the GC heap left out of the pause because a live tracked pin covered them.</summary>
    public long CoveredByPins { get; private set; }
}
