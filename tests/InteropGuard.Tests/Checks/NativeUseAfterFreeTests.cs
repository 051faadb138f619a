// NativeUseAfterFreeTests.cs - in-process pairs for native-use-after-free (IG0001): a pointer into a freed
// NativeBuffer reaches Guard.Check, next to the same call made while the buffer is live.
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class NativeUseAfterFreeTests : GuardedFixture
{
    [Test]
    public void Detects_PointerIntoFreedBuffer()
    {
        int allocLine = Here.Line(); var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        int freeLine = Here.Line(); buffer.Release();
        nint q = p + 16;
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(q, 8); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
        Assert.That(v.KindName, Is.EqualTo("native-use-after-free"));
        Assert.That(v.Id, Is.EqualTo("IG0001"));
        Assert.That(v.Address, Is.EqualTo(q));
        Assert.That(v.Size, Is.EqualTo((nint)8));
        Assert.That(v.Argument, Is.EqualTo("q"));
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.NativeBlock));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)64));
        Assert.That(v.SinceRelease, Is.Not.Null.And.GreaterThanOrEqualTo(System.TimeSpan.Zero));
        AssertSite(v.AccessSite, Here.File(), accessLine, nameof(Detects_PointerIntoFreedBuffer), "access site");
        AssertSite(v.AllocationSite, Here.File(), allocLine, nameof(Detects_PointerIntoFreedBuffer), "allocation site");
        AssertSite(v.ReleaseSite, Here.File(), freeLine, nameof(Detects_PointerIntoFreedBuffer), "release site");
    }

    [Test]
    public void Allows_PointerIntoLiveBuffer()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint q = buffer.Pointer + 16;

        Assert.DoesNotThrow(() => Guard.Check(q, 8));
        Assert.That(TestNative.Sum(q, 8), Is.EqualTo(8UL * 0xbe), "malloc_fill_byte 0xbe fills new blocks");
    }

    [Test]
    public void Detects_FreedStartWithLengthZero()
    {
        var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        buffer.Dispose();

        Violation v = Catch(() => Guard.Check(p, 0));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
        Assert.That(v.Address, Is.EqualTo(p));
    }

    [Test]
    public unsafe void Detects_ThroughVoidPointerOverload()
    {
        var buffer = NativeBuffer.Allocate(32);
        void* p = (void*)buffer.Pointer;
        buffer.Dispose();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
        Assert.That(v.Address, Is.EqualTo((nint)p));
        Assert.That(v.Argument, Is.EqualTo("p"));
    }

    [Test]
    public void Allows_BufferAllocatedAfterAnotherWasFreed()
    {
        var freed = NativeBuffer.Allocate(32);
        freed.Dispose();
        using var live = NativeBuffer.Allocate(32);

        Assert.DoesNotThrow(() => Guard.Check(live.Pointer, 32));
    }

    [Test]
    public void Detects_ReportRaisesEventAndCountsOnce()
    {
        var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        buffer.Dispose();
        long before = Guard.ReportCount;
        using var recorder = new ReportRecorder();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Assert.That(recorder.Violations[0], Is.SameAs(v).Or.Property(nameof(Violation.Address)).EqualTo(p));
        Assert.That(Guard.ReportCount, Is.EqualTo(before + 1));
    }
}
