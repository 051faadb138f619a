// HandleTable.cs: the slots behind CheckedHandle: cookie = generation << 32 | (slot + 1); lock-free issue, lookup and free, each slot updated in place.
using System;
using System.Threading;

namespace InteropGuard.Handles;

/// <summary>Issued handles. A slot holds its current generation's target and sites, updated in place; a freed slot is
/// reused with the next generation, so a cookie is never issued twice (a slot whose generation would wrap is retired).
/// Freed slots wait in the freeing thread's FIFO until it holds more than max(1024, release_history) of them, so a
/// freed cookie's slot still remembers its free site for at least that many frees.</summary>
/// <remarks>
/// Slot protocol (no lock): <see cref="Slot.State"/> is <c>generation &lt;&lt; 2 | phase</c> with phase Live, Freed or
/// Writing. Only the thread that holds a slot writes its fields: the issuing thread (the slot came from its FIFO or
/// is fresh, so nobody else can issue it) and the one free whose compare-and-swap moved the state from Live to Writing.
/// A writer sets Writing before it changes a field and publishes the new state last; a reader reads the state, the
/// fields, then the state again (each read an acquire), and trusts the fields only when both reads are equal and not
/// Writing. The generation only grows, so an equal state means no writer came in between.
/// </remarks>
internal static class HandleTable
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = 1 << 14; // 64 M slots
    private const long Live = 0;
    private const long Freed = 1;
    private const long Writing = 2;
    private const long PhaseMask = 3;

    private static readonly Slot[]?[] s_chunks = new Slot[]?[MaxChunks];
    private static readonly int s_holdBack = Math.Max(1024, GuardRuntime.Options.ReleaseHistory);
    private static int s_next;

    [ThreadStatic]
    private static FreeSlots? t_free;

    /// <summary>One slot: the current generation's fields, written only by the thread that holds the slot.</summary>
    private struct Slot
    {
        public long State;
        public object? Target;
        public SourceSite? Issued;
        public SourceSite? FreeSite;
        public ulong FreeTimeNs;
    }

    /// <summary>What a rejected cookie's slot says about it (read only to explain a report).</summary>
    internal sealed record Entry(uint Generation, SourceSite? Issued, SourceSite? FreeSite, ulong FreeTimeNs);

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
        FreeSlots free = t_free ??= new FreeSlots();
        int slot = free.Count > s_holdBack || (free.AdoptOrphans() && free.Count > s_holdBack) ? free.Dequeue() : Fresh();
        ref Slot s = ref At(slot);
        uint generation = (uint)(Volatile.Read(ref s.State) >> 2) + 1;
        Volatile.Write(ref s.State, ((long)generation << 2) | Writing);
        s.Target = target;
        s.Issued = issued;
        s.FreeSite = null;
        s.FreeTimeNs = 0;
        Volatile.Write(ref s.State, (long)generation << 2); // Live
        return Cookie(slot, generation);
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

        ref Slot s = ref At(slot);
        long live = (long)generation << 2;
        long before = Volatile.Read(ref s.State);
        object? target = Volatile.Read(ref s.Target);
        if (before == live && Volatile.Read(ref s.State) == live && target is not null)
        {
            problem = Problem.None;
            return target;
        }

        return Explain(ref s, generation, out problem, out evidence);
    }

    /// <summary>Frees a live cookie; false (with the reason and evidence) when it is not live.</summary>
    public static bool Free(long cookie, SourceSite? site, out Problem problem, out Entry? evidence)
    {
        evidence = null;
        if (!TryDecode(cookie, out int slot, out uint generation))
        {
            problem = Problem.NeverIssued;
            return false;
        }

        ref Slot s = ref At(slot);
        long live = (long)generation << 2;
        if (Interlocked.CompareExchange(ref s.State, live | Writing, live) != live)
        {
            _ = Explain(ref s, generation, out problem, out evidence);
            return false;
        }

        s.Target = null;
        s.FreeSite = site;
        s.FreeTimeNs = GuardRuntime.MonotonicNs();
        Volatile.Write(ref s.State, live | Freed);
        if (generation < uint.MaxValue - 1)
        {
            (t_free ??= new FreeSlots()).Enqueue(slot);
        }

        problem = Problem.None;
        return true;
    }

    /// <summary>The issue site of a cookie (live or remembered), or null.</summary>
    public static SourceSite? IssuedSite(long cookie)
    {
        if (!TryDecode(cookie, out int slot, out uint generation))
        {
            return null;
        }

        ref Slot s = ref At(slot);
        for (int tries = 0; tries < 100; tries++)
        {
            long before = Volatile.Read(ref s.State);
            SourceSite? issued = Volatile.Read(ref s.Issued);
            if (Volatile.Read(ref s.State) == before && (before & PhaseMask) != Writing)
            {
                return before >> 2 == generation ? issued : null;
            }

            Thread.Yield();
        }

        return null;
    }

    /// <summary>Why a cookie that is not live was rejected, with a consistent copy of its slot when the slot still holds
    /// that generation (the slow path of a lookup or free: a report follows).</summary>
    private static object? Explain(ref Slot s, uint generation, out Problem problem, out Entry? evidence)
    {
        for (int tries = 0; ; tries++)
        {
            long before = Volatile.Read(ref s.State);
            object? target = Volatile.Read(ref s.Target);
            SourceSite? issued = Volatile.Read(ref s.Issued);
            SourceSite? freeSite = Volatile.Read(ref s.FreeSite);
            ulong freeTime = Volatile.Read(ref s.FreeTimeNs);
            if (Volatile.Read(ref s.State) != before || ((before & PhaseMask) == Writing && tries < 100))
            {
                Thread.Yield(); // a writer holds the slot for a few stores
                continue;
            }

            uint current = (uint)(before >> 2);
            evidence = null;
            if (current == generation && (before & PhaseMask) == Live && target is not null)
            {
                problem = Problem.None; // live after all (it was being issued when first read)
                return target;
            }

            if (current == generation)
            {
                problem = Problem.Freed; // freed, or being freed right now
                evidence = new Entry(generation, issued, freeSite, freeTime);
            }
            else
            {
                problem = generation < current ? Problem.Freed : Problem.NeverIssued; // older: freed long ago, the slot reused since
            }

            return null;
        }
    }

    /// <summary>A slot never used: the next index, its chunk made on first use.</summary>
    private static int Fresh()
    {
        int slot = Interlocked.Increment(ref s_next) - 1;
        if (slot >= MaxChunks * ChunkSize)
        {
            Interlocked.Decrement(ref s_next);
            throw new InvalidOperationException("CheckedHandle.Alloc: 64 M handles are live; free handles you no longer need.");
        }

        if (Volatile.Read(ref s_chunks[slot >> ChunkBits]) is null)
        {
            Interlocked.CompareExchange(ref s_chunks[slot >> ChunkBits], new Slot[ChunkSize], null);
        }

        return slot;
    }

    private static long Cookie(int slot, uint generation) => ((long)generation << 32) | (uint)(slot + 1);

    private static bool TryDecode(long cookie, out int slot, out uint generation)
    {
        generation = (uint)((ulong)cookie >> 32);
        long index = (long)(uint)cookie - 1;
        slot = (int)index;
        return generation != 0 && index >= 0 && index < Volatile.Read(ref s_next) && Volatile.Read(ref s_chunks[slot >> ChunkBits]) is not null;
    }

    private static ref Slot At(int slot) => ref s_chunks[slot >> ChunkBits]![slot & (ChunkSize - 1)];

    /// <summary>A thread's freed slots, oldest first (a ring that grows). The slots of a thread that ended go, through
    /// the finalizer, to the next thread that would otherwise take a never-used slot.</summary>
    private sealed class FreeSlots
    {
        private static readonly System.Collections.Concurrent.ConcurrentQueue<int[]> s_orphans = new();
        private int[] _ring = new int[64];
        private int _head;

        public int Count { get; private set; }

        public void Enqueue(int slot)
        {
            if (Count == _ring.Length)
            {
                Grow();
            }

            _ring[(_head + Count) & (_ring.Length - 1)] = slot;
            Count++;
        }

        public int Dequeue()
        {
            int slot = _ring[_head];
            _head = (_head + 1) & (_ring.Length - 1);
            Count--;
            return slot;
        }

        private void Grow()
        {
            var bigger = new int[_ring.Length * 2];
            for (int i = 0; i < Count; i++)
            {
                bigger[i] = _ring[(_head + i) & (_ring.Length - 1)];
            }

            _ring = bigger;
            _head = 0;
        }

        /// <summary>Takes the slots ended threads left (behind this thread's own); true when there were any.</summary>
        public bool AdoptOrphans()
        {
            if (s_orphans.IsEmpty)
            {
                return false; // the common case: one read
            }

            while (s_orphans.TryDequeue(out int[]? orphans))
            {
                foreach (int slot in orphans)
                {
                    Enqueue(slot);
                }
            }

            return true;
        }

        ~FreeSlots()
        {
            if (Count == 0)
            {
                return;
            }

            var left = new int[Count];
            for (int i = 0; i < Count; i++)
            {
                left[i] = _ring[(_head + i) & (_ring.Length - 1)];
            }

            s_orphans.Enqueue(left);
        }
    }
}
