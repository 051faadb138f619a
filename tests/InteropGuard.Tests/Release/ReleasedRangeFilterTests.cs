// ReleasedRangeFilterTests.cs - the released-range filter of release mode, in process: a released range's pages are
// found, neighbouring pages are not, ranges of more than 64 pages keep only their first and last 32 pages, null and
// length 0 are handled, Clear forgets and a colliding release overwrites. The filter never reads the addresses, so
// the tests use made-up ones; modes 1 and 2 never write it, so the test process's own runtime does not interfere.
using System;
using InteropGuard.Interception;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

[NonParallelizable]
public sealed class ReleasedRangeFilterTests
{
    private const int Page = 4096;

    // A made-up page-aligned address (not a constant, so sums with it are nint arithmetic) in the user half of the address space.
    private static readonly nint Base = unchecked((nint)0x7f12_3456_0000L);

    [SetUp]
    public void SetUp() => ReleasedRangeFilter.Clear();

    [TearDown]
    public void TearDown() => ReleasedRangeFilter.Clear();

    [Test]
    public void Empty_ContainsNothing_NotEvenNull()
    {
        Assert.That(ReleasedRangeFilter.MayContain(0), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain(Base), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain(nint.MaxValue), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain(-1), Is.False, "the all-ones page is the empty marker, never a hit");
    }

    [Test]
    public void Table_IsBelow2GiB_OnX64Linux_SoTheJitFoldsItsAddressIntoTheCompare()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Ignore("MAP_32BIT is x86-64 Linux only; elsewhere the table is anywhere");
        }

        Assert.That(ReleasedRangeFilter.TableAddress, Is.Not.Zero);
        Assert.That((ulong)ReleasedRangeFilter.TableAddress, Is.LessThan(1UL << 31), "a 32-bit displacement is sign-extended: below 2 GiB");
    }

    [Test]
    public void Add_EveryByteOfTheRangesPage_IsContained()
    {
        nint start = (Base + 100);
        ReleasedRangeFilter.Add(start, 16);

        Assert.That(ReleasedRangeFilter.MayContain(start), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain(start + 15), Is.True);
        // the filter works per page: the rest of the page may hold the range too (the full check decides)
        Assert.That(ReleasedRangeFilter.MayContain(Base), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain((Base + Page - 1)), Is.True);
    }

    [Test]
    public void Add_NeighbouringPages_AreNotContained()
    {
        ReleasedRangeFilter.Add((Base + 100), 16);

        Assert.That(ReleasedRangeFilter.MayContain((Base + Page)), Is.False, "the next page");
        Assert.That(ReleasedRangeFilter.MayContain((Base - 1)), Is.False, "the last byte of the previous page");
        Assert.That(ReleasedRangeFilter.MayContain((Base + 2 * Page)), Is.False);
    }

    [Test]
    public void Add_RangeCrossingAPageBoundary_RecordsBothPages()
    {
        nint start = (Base + Page - 6);
        ReleasedRangeFilter.Add(start, 10);

        Assert.That(ReleasedRangeFilter.MayContain(start), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain((Base + Page + 3)), Is.True, "the second page");
        Assert.That(ReleasedRangeFilter.MayContain((Base + 2 * Page)), Is.False, "past the range's last page");
        Assert.That(ReleasedRangeFilter.MayContain((Base - Page)), Is.False);
    }

    [Test]
    public void Add_RangeEndingExactlyAtAPageEnd_DoesNotRecordTheNextPage()
    {
        ReleasedRangeFilter.Add(Base, (nint)Page);

        Assert.That(ReleasedRangeFilter.MayContain((Base + Page - 1)), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain((Base + Page)), Is.False);
    }

    [Test]
    public void Add_LengthZero_RecordsOneByte()
    {
        nint start = (Base + Page - 1); // the last byte of a page: one byte must not spill into the next
        ReleasedRangeFilter.Add(start, 0);

        Assert.That(ReleasedRangeFilter.MayContain(start), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain((Base + Page)), Is.False);
    }

    [Test]
    public void Add_NegativeLength_RecordsOneByte()
    {
        nint start = (Base + 8);
        ReleasedRangeFilter.Add(start, -5);

        Assert.That(ReleasedRangeFilter.MayContain(start), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain((Base - Page)), Is.False);
    }

    [Test]
    public void Add_Null_IsIgnored()
    {
        ReleasedRangeFilter.Add(0, 3 * Page);

        Assert.That(ReleasedRangeFilter.MayContain(0), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain((nint)(Page + 5)), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain((nint)(2 * Page + 5)), Is.False);
    }

    [Test]
    public void Add_RangeWrappingPastTheTopOfTheAddressSpace_RecordsItsFirstPageOnly()
    {
        nint start = unchecked((nint)0xFFFF_FFFF_FFFF_E010ul); // second-to-last page
        ReleasedRangeFilter.Add(start, (nint)(16 * Page));

        Assert.That(ReleasedRangeFilter.MayContain(start), Is.True);
        Assert.That(ReleasedRangeFilter.MayContain(0), Is.False, "no wrap to page 0");
        Assert.That(ReleasedRangeFilter.MayContain((nint)Page), Is.False);
    }

    [Test]
    public void Add_ExactlyMaxPages_RecordsEveryPage()
    {
        int pages = ReleasedRangeFilter.MaxPagesPerRange;
        ReleasedRangeFilter.Add(Base, (nint)(pages * Page));

        for (int i = 0; i < pages; i++)
        {
            Assert.That(ReleasedRangeFilter.MayContain((Base + i * Page + 7)), Is.True, $"page {i}");
        }

        Assert.That(ReleasedRangeFilter.MayContain((Base + pages * Page)), Is.False, "the page after the range");
    }

    [Test]
    public void Add_BigRange_RecordsFirstAndLastHalfOfMaxPages_NotTheMiddle()
    {
        const int pages = 100;
        int half = ReleasedRangeFilter.MaxPagesPerRange / 2;
        ReleasedRangeFilter.Add((Base + 12), (nint)(pages * Page - 12));

        for (int i = 0; i < pages; i++)
        {
            bool recorded = i < half || i >= pages - half;
            Assert.That(ReleasedRangeFilter.MayContain((Base + i * Page)), Is.EqualTo(recorded), $"page {i} of {pages}");
        }

        Assert.That(ReleasedRangeFilter.MayContain((Base + pages * Page)), Is.False, "the page after the range");
    }

    [Test]
    public void Add_OnePageMoreThanMax_LeavesOnlyTheMiddlePageOut()
    {
        int pages = ReleasedRangeFilter.MaxPagesPerRange + 1;
        ReleasedRangeFilter.Add(Base, (nint)(pages * Page));

        int middle = ReleasedRangeFilter.MaxPagesPerRange / 2;
        for (int i = 0; i < pages; i++)
        {
            Assert.That(ReleasedRangeFilter.MayContain((Base + i * Page)), Is.EqualTo(i != middle), $"page {i} of {pages}");
        }
    }

    [Test]
    public void Clear_ForgetsEveryRelease()
    {
        ReleasedRangeFilter.Add(Base, 64);
        ReleasedRangeFilter.Add((Base + 50 * Page), (nint)(3 * Page));

        ReleasedRangeFilter.Clear();

        Assert.That(ReleasedRangeFilter.MayContain(Base), Is.False);
        Assert.That(ReleasedRangeFilter.MayContain((Base + 51 * Page)), Is.False);
    }

    [Test]
    public void Add_ManyRanges_AllRecentOnesFound()
    {
        // 64 one-page releases far apart: far fewer than the table's entries, each still there (no self-eviction
        // of neighbours, since consecutive pages land in different entries)
        for (int i = 0; i < 64; i++)
        {
            ReleasedRangeFilter.Add((Base + i * 7 * Page + 32), 64);
        }

        int found = 0;
        for (int i = 0; i < 64; i++)
        {
            if (ReleasedRangeFilter.MayContain((Base + i * 7 * Page + 40))) found++;
        }

        Assert.That(found, Is.GreaterThanOrEqualTo(60), "a few collisions at most among 64 of 8192 entries");
    }

    [Test]
    public void Add_CollidingPage_OverwritesTheOlderRelease()
    {
        // The filter forgets (documented): find a page that lands in the same entry as Base and release it.
        ReleasedRangeFilter.Add(Base, 1);
        long colliding = 0;
        for (long i = 1; i <= 16L * ReleasedRangeFilter.Entries && colliding == 0; i++)
        {
            long candidate = Base + i * Page;
            ReleasedRangeFilter.Add((nint)candidate, 1);
            if (!ReleasedRangeFilter.MayContain(Base))
            {
                colliding = candidate;
            }
        }

        Assert.That(colliding, Is.Not.Zero, "some page shares Base's entry");
        Assert.That(ReleasedRangeFilter.MayContain((nint)colliding), Is.True, "the newer release wins");
    }
}
