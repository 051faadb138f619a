// UseAfterUnmapTests.cs - in-process pairs for use-after-unmap (IG0012) with Guard.MapView: a pointer into a released view
// reaches Guard.Check while the accessor still maps it, and after the view is really unmapped; the allowed cases: a live
// view, a view mapped again, and an address something else mapped after the view was gone (the boundary cannot know).
using System;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

public sealed partial class UseAfterUnmapTests : GuardedFixture
{
    private const int Capacity = 64 * 1024;

    [Test]
    public void Detects_PointerIntoReleasedView_WhileTheAccessorStillMapsIt()
    {
        using var file = MemoryMappedFile.CreateNew(null, Capacity);
        using var accessor = file.CreateViewAccessor(0, Capacity);
        int mapLine = Here.Line(); MappedView view = Guard.MapView(accessor);
        nint p = view.Pointer;
        int unmapLine = Here.Line(); view.Release();
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(p + 100, 16); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnmap));
        Assert.That(v.KindName, Is.EqualTo("use-after-unmap"));
        Assert.That(v.Id, Is.EqualTo("IG0012"));
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.MappedView));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)Capacity));
        AssertSite(v.AccessSite, Here.File(), accessLine, nameof(Detects_PointerIntoReleasedView_WhileTheAccessorStillMapsIt), "access");
        AssertSite(v.AllocationSite, Here.File(), mapLine, nameof(Detects_PointerIntoReleasedView_WhileTheAccessorStillMapsIt), "map");
        AssertSite(v.ReleaseSite, Here.File(), unmapLine, nameof(Detects_PointerIntoReleasedView_WhileTheAccessorStillMapsIt), "unmap");
        string report = v.ToString();
        Assert.That(report, Does.Contain("points 100 bytes into a 65536-byte mapped view"));
        Assert.That(report, Does.Contain("still mapped by its accessor"));
        Assert.That(report, Does.Contain("Call that received the unmapped pointer:").And.Contain("View unmapped by:").And.Contain("View mapped by:"));
        Assert.That(report, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_use_after_unmap=0"));
    }

    [Test]
    public void Detects_PointerIntoUnmappedView()
    {
        nint p;
        int mapLine, checkLine = 0;
        using (var file = MemoryMappedFile.CreateNew(null, Capacity))
        using (var accessor = file.CreateViewAccessor(0, Capacity))
        {
            mapLine = Here.Line(); using MappedView view = Guard.MapView(accessor);
            p = view.Pointer;
            view.Span[0] = 1;
        } // the view, then the accessor: munmap

        Violation v = Catch(() => { checkLine = Here.Line(); Guard.Check(p, 8); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnmap));
        string source = Here.FileName();
        ReportText.AssertGolden(v.ToString(), $"""
            =================================================================
            ERROR: InteropGuard: use-after-unmap on address 0x{(ulong)p:x} [IG0012]
            P/Invoke argument 'p' points 0 bytes into a 65536-byte mapped view [0x{(ulong)p:x}, 0x{(ulong)p + Capacity:x}) that was unmapped {"{ms}"} ms before this call. Nothing is mapped at the address now: a native access faults.
              {"{thread}"}
            Call that received the unmapped pointer:
              #0 {nameof(Detects_PointerIntoUnmappedView)}  {source}:{checkLine}
            View unmapped by:
              #0 MappedView.Dispose() (call site not recorded: call Release() instead, or set capture_stacks=1)
            View mapped by:
              #0 {nameof(Detects_PointerIntoUnmappedView)}  {source}:{mapLine}
            HINT: dispose the MappedView (and its accessor) only after native code stops using pointers into it; call RetainedByNative() on a view native code keeps.
            HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_use_after_unmap=0
            SUMMARY: InteropGuard: use-after-unmap {source}:{checkLine} in {nameof(Detects_PointerIntoUnmappedView)}
            =================================================================

            """);
        Assert.That(v.ReleaseSite!.Member, Does.Contain("MappedView.Dispose() (call site not recorded"), "Dispose() names itself a stand-in");
    }

    [Test]
    public void Allows_PointerIntoLiveView()
    {
        using var file = MemoryMappedFile.CreateNew(null, Capacity);
        using var accessor = file.CreateViewAccessor(0, Capacity);
        using MappedView view = Guard.MapView(accessor);

        Assert.That(view.Id, Is.Not.EqualTo(0UL));
        Assert.That(view.Length, Is.EqualTo((nint)Capacity));
        Assert.DoesNotThrow(() => Guard.Check(view.Pointer, view.Length));
    }

    [Test]
    public void Allows_ViewMappedAgain()
    {
        using var file = MemoryMappedFile.CreateNew(null, Capacity);
        using var accessor = file.CreateViewAccessor(0, Capacity);
        MappedView first = Guard.MapView(accessor);
        nint p = first.Pointer;
        first.Release();
        using MappedView second = Guard.MapView(accessor);

        Assert.That(second.Pointer, Is.EqualTo(p));
        Assert.DoesNotThrow(() => Guard.Check(p, 16), "the live view wins over the released one");
    }

    [Test]
    public void Allows_AddressMappedAgainBySomethingElse()
    {
        nint p;
        using (var file = MemoryMappedFile.CreateNew(null, Capacity))
        using (var accessor = file.CreateViewAccessor(0, Capacity))
        using (MappedView view = Guard.MapView(accessor))
        {
            p = view.Pointer;
        }

        nint page = p & ~(nint)(Environment.SystemPageSize - 1);
        nint mapped = mmap(page, (nuint)Environment.SystemPageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapFixedNoReplace, -1, 0);
        if (mapped != page) Assert.Inconclusive($"could not map the old address again (mmap gave 0x{mapped:x})");
        try
        {
            Assert.DoesNotThrow(() => Guard.Check(p, 8), "the address is someone else's mapping now: the boundary cannot know");
        }
        finally
        {
            munmap(page, (nuint)Environment.SystemPageSize);
        }
    }

    [Test]
    public void Allows_MapViewOfAStream_AndDisposeTwice()
    {
        using var file = MemoryMappedFile.CreateNew(null, Capacity);
        using var stream = file.CreateViewStream(0, Capacity);
        MappedView view = Guard.MapView(stream);
        view.Span[Capacity - 1] = 5;
        Assert.DoesNotThrow(() => Guard.Check(view.Pointer + Capacity - 1, 1));
        view.Dispose();

        Assert.DoesNotThrow(view.Dispose);
        Assert.That(view.IsReleased, Is.True);
        Assert.Throws<ObjectDisposedException>(() => _ = view.Span.Length);
    }

    [Test]
    public void BadInput_IsAClearException()
    {
        Assert.Throws<ArgumentNullException>(() => Guard.MapView((MemoryMappedViewAccessor)null!));
        using var file = MemoryMappedFile.CreateNew(null, Capacity);
        var accessor = file.CreateViewAccessor(0, Capacity);
        accessor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Guard.MapView(accessor));
    }

    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20, MapFixedNoReplace = 0x100000;

    [LibraryImport("libc")]
    private static partial nint mmap(nint address, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc")]
    private static partial int munmap(nint address, nuint length);
}
