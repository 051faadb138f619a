// ReleasedRangeFilter.cs: release mode's O(1) boundary check: a direct-mapped table of the pages of recently released ranges, read without locks or a native call.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Native;

namespace InteropGuard.Interception;

/// <summary>The compact filter behind release mode's boundary check (docs/design/modes.md). Every range released in
/// release mode (an unpinned <see cref="Pin"/>, a disposed <see cref="MappedView"/>, a released callback, a
/// returned pooled array, a freed sampled native block) writes the numbers of its pages into a direct-mapped table of
/// <see cref="Entries"/> words; a pointer argument is checked by indexing the table with its page number's low bits and comparing one word. A miss (the
/// common case: the page of no recently released range) costs about a nanosecond and no native call; a hit goes to the
/// full shadow-table check, which decides (the page may belong to a live range now). The filter forgets: a later
/// release whose page lands in the same entry overwrites it, and ranges of more than <see cref="MaxPagesPerRange"/>
/// pages record only their first and last pages, so release mode finds a use of a released range with high
/// probability for recent releases, not always; modes 1 and 2 check every pointer against the table.</summary>
internal static unsafe class ReleasedRangeFilter
{
    /// <summary>Entries of the table (a power of two; 8 bytes each: 64 KiB).</summary>
    internal const int Entries = 1 << Bits;

    /// <summary>Ranges with more pages record their first and last <see cref="MaxPagesPerRange"/>/2 pages only.</summary>
    internal const int MaxPagesPerRange = 64;

    private const int Bits = 13;
    private const int PageShift = 12;
    private const ulong Empty = ulong.MaxValue; // no page number is all ones (addresses are < 2^64)

    // Native memory, allocated once and never freed: a static readonly pointer is a constant in optimized code, so the
    // inlined check compares one word at a fixed address (no load of an array reference first; see CreateTable).
    // Measured on the gate's SQLite pair (7 checks per row, 12 processes each), this and the masked index below took
    // the pair from +1.57 % to +1.35 %. The check is 4-6 instructions and one load; the load is about half of its
    // ~1.5 ns there (benchmarks/results/2026-11-22-bench-gate.md, "Repeated arguments, and what one check costs").
    private static readonly ulong* s_pages = CreateTable();

    /// <summary>True when the page of <paramref name="pointer"/> is the page of a range released recently (the caller
    /// then runs the full check); false for null and for pages no recorded release touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool MayContain(nint pointer)
    {
        ulong page = (ulong)pointer >> PageShift;
        return s_pages[Index(page)] == page;
    }

    /// <summary>Records a released range [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
    /// (at least one byte). Null is ignored. Lock-free: concurrent writers race per entry and the last one wins.</summary>
    /// <param name="start">The first byte of the range.</param>
    /// <param name="length">Its length in bytes (0 = one byte).</param>
    public static void Add(nint start, nint length)
    {
        if (start == 0)
        {
            return;
        }

        ulong first = (ulong)start >> PageShift;
        ulong last = ((ulong)start + (ulong)Math.Max(length, 1) - 1) >> PageShift;
        if (last < first)
        {
            last = first; // wrapped around the top of the address space: the first page only
        }

        ulong count = last - first + 1;
        if (count <= MaxPagesPerRange)
        {
            for (ulong page = first; page <= last; page++)
            {
                Volatile.Write(ref s_pages[Index(page)], page);
            }

            return;
        }

        for (ulong i = 0; i < MaxPagesPerRange / 2; i++)
        {
            Volatile.Write(ref s_pages[Index(first + i)], first + i);
            Volatile.Write(ref s_pages[Index(last - i)], last - i);
        }
    }

    /// <summary>Forgets every recorded release (tests).</summary>
    internal static void Clear() => new Span<ulong>(s_pages, Entries).Fill(Empty);

    // The page number's low bits, as a CPU cache indexes lines: neighbouring pages land in neighbouring entries, so a
    // range (at most 64 pages recorded) never evicts itself; pages 2^Bits pages (32 MiB) apart share an entry. One AND,
    // where a multiplicative hash cost a multiply on every check.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Index(ulong page) => (nuint)(page & (Entries - 1));

    /// <summary>The table's address (tests: below 2 GiB where <c>ig_map_low</c> could map it there).</summary>
    internal static nint TableAddress => (nint)s_pages;

    // Below 2 GiB where the OS allows it (ig_map_low: MAP_32BIT on x86-64 Linux): the JIT then encodes the table's address
    // as the 32-bit displacement of the compare, `cmp [index*8 + table], page`, instead of a 10-byte `mov reg, imm64`
    // before every check. Anywhere else, NativeMemory (the library not loaded: nothing calls the filter then anyway).
    private static ulong* CreateTable()
    {
        ulong* table = null;
        try
        {
            table = (ulong*)IgNative.ig_map_low(Entries * sizeof(ulong));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        if (table == null)
        {
            table = (ulong*)NativeMemory.AlignedAlloc(Entries * sizeof(ulong), 64);
        }

        new Span<ulong>(table, Entries).Fill(Empty);
        return table;
    }
}
