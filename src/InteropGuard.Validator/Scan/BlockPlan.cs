// BlockPlan.cs: the part of a sweep over InteropGuard's own native blocks that runs before the stop: reads every live block while the target runs and keeps the words that may point into the GC heap or a dead range.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Scan;

/// <summary>A block the running read found finished (header written) and intact (canaries whole), with its candidate
/// words: <see cref="BlockPlan.Candidates"/>[First .. First + Count). <see cref="Bytes"/>: user bytes scanned.</summary>
internal readonly record struct PlannedBlock(ulong Id, ulong Start, ulong Size, ushort RedzoneLeft, ushort RedzoneRight, int First, int Count, long Bytes)
{
    /// <summary>True when <paramref name="r"/> is the block this entry was read from (same allocation, same extent).</summary>
    public bool Matches(in RangeRecord r) =>
        r.Id == Id && r.Start == Start && r.Size == Size && r.RedzoneLeft == RedzoneLeft && r.RedzoneRight == RedzoneRight;
}

/// <summary>What the stop has to confirm about the shadow allocator's live blocks. With the GC's fixed reservation known
/// (regions GC), each block is read and filtered while the target runs (header, redzones, user bytes); the stop re-reads
/// only the candidate words, in batched reads, of the blocks whose records it still finds live under the same id, so
/// the pause grows with the candidates, not with the blocks' bytes. A block the running read could not use (being made,
/// damaged, unreadable, or allocated after the read) is scanned whole in the stop, as without a plan.
/// <para>What this trades: a word written into a block after its running read and before the stop, that is not a
/// candidate (it pointed at nothing of interest when read), is seen by the next sweep, not this one: the same
/// bargain as the native-heap scan (native-heap.md); so is redzone damage done after the running read (it stays until
/// the block is freed, and <c>ig_free</c> reports it then). The exit sweep takes no plan and scans every block in the stop.</para></summary>
internal sealed class BlockPlan
{
    private readonly Dictionary<ulong, PlannedBlock> _blocks = new();

    private BlockPlan()
    {
    }

    /// <summary>Addresses of the candidate words, block after block.</summary>
    public List<ulong> Candidates { get; } = new();

    /// <summary>Blocks read before the stop (for tests and the benchmark).</summary>
    public int Count => _blocks.Count;

    /// <summary>The running read of <paramref name="r"/>, or false when the stop must scan it whole.</summary>
    public bool TryGet(in RangeRecord r, out PlannedBlock block) => _blocks.TryGetValue(r.Id, out block) && block.Matches(r);

    /// <summary>Reads every live native block of the running table while the target runs; null without a fixed GC
    /// reservation (<paramref name="gcRange"/> (0, 0): segments GC) or without a table read (the stop reads it properly).</summary>
    public static BlockPlan? Prepare(RunningTable? table, (ulong Lo, ulong Hi) gcRange)
    {
        if (gcRange.Hi <= gcRange.Lo || table is null)
        {
            return null;
        }

        var plan = new BlockPlan();
        var filter = new CandidateFilter(gcRange.Lo, gcRange.Hi, table.Dead, pins: null);
        byte[] buffer = new byte[TargetMemory.ChunkBytes];
        foreach (RangeRecord r in table.Records)
        {
            if (r.IsLive && r.Kind == TableLayout.KindNativeBlock)
            {
                plan.Read(table.Memory, buffer, r, table.Header, filter);
            }
        }

        return plan;
    }

    /// <summary>Reads one block as the stopped scan does (header, canaries, user bytes up to the fill limit) and keeps
    /// it when it is finished and intact.</summary>
    private void Read(TargetMemory memory, byte[] buffer, RangeRecord r, TableHeader header, CandidateFilter filter)
    {
        if (r.RedzoneLeft < 32 + TableLayout.LeftCanaryBytes)
        {
            return; // not a layout this validator knows: the stop decides
        }

        ulong baseAddress = r.Start - r.RedzoneLeft;
        ulong extentEnd = r.End + r.RedzoneRight;
        ulong canaryStart = r.Start - TableLayout.LeftCanaryBytes;
        ulong scanEnd = r.Size > header.FillLimit ? r.Start + header.FillLimit : r.End;
        int first = Candidates.Count;
        long bytes = 0;
        for (ulong at = baseAddress; at < extentEnd;)
        {
            int n = (int)Math.Min((ulong)buffer.Length, extentEnd - at);
            Span<byte> piece = buffer.AsSpan(0, n);
            if (!memory.TryRead(at, piece) ||
                (at == baseAddress && (BinaryPrimitives.ReadUInt64LittleEndian(piece) != r.Id || BinaryPrimitives.ReadUInt64LittleEndian(piece[8..]) != r.Size)) ||
                !Intact(piece, at, canaryStart, r.Start, header.CanaryByte) || !Intact(piece, at, r.End, extentEnd, header.CanaryByte))
            {
                Candidates.RemoveRange(first, Candidates.Count - first); // freed, being made or damaged: the stop scans it
                return;
            }

            ulong userLo = Math.Max(at, r.Start);
            ulong userHi = Math.Min(at + (ulong)n, scanEnd);
            if (userHi > userLo)
            {
                int skip = (int)((8 - (userLo & 7)) & 7); // the first 8-byte boundary, as the stopped scan
                int length = (int)(userHi - userLo);
                if (skip < length)
                {
                    ReadOnlySpan<byte> user = piece.Slice((int)(userLo - at) + skip, length - skip);
                    filter.Collect(MemoryMarshal.Cast<byte, ulong>(user), userLo + (ulong)skip, Candidates);
                }

                bytes += length;
            }

            at += (ulong)n;
        }

        _blocks[r.Id] = new PlannedBlock(r.Id, r.Start, r.Size, r.RedzoneLeft, r.RedzoneRight, first, Candidates.Count - first, bytes);
    }

    private static bool Intact(ReadOnlySpan<byte> piece, ulong pieceStart, ulong lo, ulong hi, byte canary)
    {
        ulong from = Math.Max(lo, pieceStart);
        ulong to = Math.Min(hi, pieceStart + (ulong)piece.Length);
        return to <= from || piece.Slice((int)(from - pieceStart), (int)(to - from)).IndexOfAnyExcept(canary) < 0;
    }
}
