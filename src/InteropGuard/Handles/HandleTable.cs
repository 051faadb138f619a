// HandleTable.cs: the slots behind CheckedHandle: cookie = generation << 32 | (slot + 1); lock-free lookups, a short lock for Alloc/Free.
using System;
using System.Collections.Generic;
using System.Threading;

namespace InteropGuard.Handles;

/// <summary>Issued handles. A slot holds its newest <see cref="Entry"/>; a freed slot is reused with the next generation,
/// so a cookie is never issued twice (a slot whose generation would wrap is retired). Freed slots wait in a FIFO of at
/// least max(1024, release_history) before reuse, so a freed cookie's slot still remembers its free site.</summary>
internal static class HandleTable
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = 1 << 14; // 64 M slots

    private static readonly Entry?[]?[] s_chunks = new Entry?[]?[MaxChunks];
    private static readonly Lock s_lock = new();
    private static readonly Queue<int> s_free = new();
    private static int s_next;

    /// <summary>One generation of one slot. Immutable; replaced on free.</summary>
    internal sealed record Entry(object? Target, uint Generation, SourceSite? Issued, bool Freed, SourceSite? FreeSite, ulong FreeTimeNs);

    /// <summary>Why a cookie was rejected.</summary>
    internal enum Problem
    {
        None,
        Freed,
        NeverIssued,
    }

    /// <summary>Issues a cookie for <paramref name="target"/>.</summary>
    public static long Alloc(object target, SourceSite? issued)
    {
        lock (s_lock)
        {
            int slot;
            uint generation = 1;
            if (s_free.Count > Math.Max(1024, GuardRuntime.Options.ReleaseHistory))
            {
                slot = s_free.Dequeue();
                Entry? old = Volatile.Read(ref Slot(slot));
                generation = (old?.Generation ?? 0) + 1;
            }
            else
            {
                if (s_next >= MaxChunks * ChunkSize)
                {
                    throw new InvalidOperationException("CheckedHandle.Alloc: 64 M handles are live; free handles you no longer need.");
                }

                slot = s_next++;
                s_chunks[slot >> ChunkBits] ??= new Entry?[ChunkSize];
            }

            Volatile.Write(ref Slot(slot), new Entry(target, generation, issued, false, null, 0));
            return Cookie(slot, generation);
        }
    }

    /// <summary>The target of a live cookie (lock-free), or null with the reason and the entry that explains it.</summary>
    public static object? Lookup(long cookie, out Problem problem, out Entry? evidence)
    {
        evidence = null;
        if (!TryDecode(cookie, out int slot, out uint generation))
        {
            problem = Problem.NeverIssued;
            return null;
        }

        Entry? e = Volatile.Read(ref Slot(slot));
        if (e is not null && e.Generation == generation)
        {
            if (!e.Freed)
            {
                problem = Problem.None;
                return e.Target;
            }

            evidence = e;
            problem = Problem.Freed;
            return null;
        }

        if (e is not null && generation < e.Generation)
        {
            problem = Problem.Freed; // freed long ago; its slot was reused since
            return null;
        }

        problem = Problem.NeverIssued;
        return null;
    }

    /// <summary>Frees a live cookie; false (with the reason and evidence) when it is not live.</summary>
    public static bool Free(long cookie, SourceSite? site, out Problem problem, out Entry? evidence)
    {
        lock (s_lock)
        {
            if (Lookup(cookie, out problem, out evidence) is null && problem != Problem.None)
            {
                return false;
            }

            TryDecode(cookie, out int slot, out uint generation);
            Entry live = Volatile.Read(ref Slot(slot))!;
            var freed = live with { Target = null, Freed = true, FreeSite = site, FreeTimeNs = GuardRuntime.MonotonicNs() };
            Volatile.Write(ref Slot(slot), freed);
            if (generation < uint.MaxValue - 1)
            {
                s_free.Enqueue(slot);
            }

            return true;
        }
    }

    /// <summary>The issue site of a cookie (live or remembered), or null.</summary>
    public static SourceSite? IssuedSite(long cookie)
    {
        if (TryDecode(cookie, out int slot, out uint generation) && Volatile.Read(ref Slot(slot)) is { } e && e.Generation == generation)
        {
            return e.Issued;
        }

        return null;
    }

    private static long Cookie(int slot, uint generation) => ((long)generation << 32) | (uint)(slot + 1);

    private static bool TryDecode(long cookie, out int slot, out uint generation)
    {
        generation = (uint)((ulong)cookie >> 32);
        long index = (long)(uint)cookie - 1;
        slot = (int)index;
        return generation != 0 && index >= 0 && index < Volatile.Read(ref s_next) && s_chunks[slot >> ChunkBits] is not null;
    }

    private static ref Entry? Slot(int slot) => ref s_chunks[slot >> ChunkBits]![slot & (ChunkSize - 1)];
}
