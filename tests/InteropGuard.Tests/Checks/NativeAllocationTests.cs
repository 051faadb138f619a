// NativeAllocationTests.cs - in-process pairs for memory native code allocates itself (ig_malloc, ig_realloc in
// libigtestnative): the boundary check knows those blocks as well as NativeBuffer's.
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class NativeAllocationTests : GuardedFixture
{
    [Test]
    public void Detects_OverflowOfNativelyAllocatedBlock()
    {
        nint p = TestNative.Alloc(40);
        try
        {
            Violation v = Catch(() => Guard.Check(p, 41));

            Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
            Assert.That(v.RangeKind, Is.EqualTo(RangeKind.NativeBlock));
            Assert.That(v.RangeStart, Is.EqualTo(p));
            Assert.That(v.RangeSize, Is.EqualTo((nint)40));
            Assert.That(v.AllocationSite, Is.Null.Or.Property(nameof(SourceSite.Line)).EqualTo(0), "native allocations have no managed site");
        }
        finally
        {
            TestNative.Free(p);
        }
    }

    [Test]
    public void Allows_NativelyAllocatedBlockWithinBounds()
    {
        nint p = TestNative.Alloc(40);
        try
        {
            Assert.DoesNotThrow(() => Guard.Check(p, 40));
        }
        finally
        {
            TestNative.Free(p);
        }
    }

    [Test]
    public void Detects_OldPointerAfterRealloc()
    {
        nint old = TestNative.Alloc(32);
        nint fresh = TestNative.Realloc(old, 64);
        try
        {
            Assert.That(fresh, Is.Not.EqualTo(old), "the shadow allocator always moves on realloc");

            Violation v = Catch(() => Guard.Check(old, 4));

            Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
            Assert.That(v.RangeStart, Is.EqualTo(old));
            Assert.That(v.RangeSize, Is.EqualTo((nint)32));
        }
        finally
        {
            TestNative.Free(fresh);
        }
    }

    [Test]
    public void Allows_NewPointerAfterRealloc()
    {
        nint old = TestNative.Alloc(32);
        TestNative.Fill(old, 32, 3);
        nint fresh = TestNative.Realloc(old, 64);
        try
        {
            Assert.DoesNotThrow(() => Guard.Check(fresh, 64));
            Assert.That(TestNative.Sum(fresh, 32), Is.EqualTo(96UL), "realloc keeps the old bytes");
        }
        finally
        {
            TestNative.Free(fresh);
        }
    }

    [Test]
    public void Detects_ManagedFreeOfNativeBlockTwice()
    {
        nint p = TestNative.Alloc(16);
        NativeBuffer.Free(p); // ownership passed to managed code: one free is fine

        Violation v = Catch(() => NativeBuffer.Free(p));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.Address, Is.EqualTo(p));
    }
}
