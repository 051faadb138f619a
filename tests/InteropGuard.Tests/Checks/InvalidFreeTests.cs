// InvalidFreeTests.cs - in-process pairs for invalid-free (IG0004): freeing an interior pointer, garbage, or
// pinned managed memory through NativeBuffer.Free, next to freeing the address Allocate returned.
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class InvalidFreeTests : GuardedFixture
{
    [Test]
    public void Detects_InteriorPointer()
    {
        using var buffer = NativeBuffer.Allocate(32);
        nint interior = buffer.Pointer + 8;
        int freeLine = 0;

        Violation v = Catch(() => { freeLine = Here.Line(); NativeBuffer.Free(interior); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidFree));
        Assert.That(v.KindName, Is.EqualTo("invalid-free"));
        Assert.That(v.Id, Is.EqualTo("IG0004"));
        Assert.That(v.Address, Is.EqualTo(interior));
        Assert.That(v.RangeStart, Is.EqualTo(buffer.Pointer), "the block the interior pointer lies in");
        Assert.That(v.RangeSize, Is.EqualTo((nint)32));
        AssertSite(v.AccessSite, Here.File(), freeLine, nameof(Detects_InteriorPointer), "free site");
        Assert.That(buffer.IsDisposed, Is.False);
        Assert.DoesNotThrow(() => Guard.Check(buffer.Pointer, 32), "an invalid free frees nothing");
    }

    [Test]
    public void Allows_PointerAllocateReturned()
    {
        var buffer = NativeBuffer.Allocate(32);

        Assert.DoesNotThrow(() => NativeBuffer.Free(buffer.Pointer));
    }

    [TestCase(0x1L)]
    [TestCase(0xdeadbeefL)]
    [TestCase(0x7f00_0000_0003L)]
    [TestCase(-1L)]
    public void Detects_Garbage(long garbage)
    {
        nint address = (nint)garbage;

        Violation v = Catch(() => NativeBuffer.Free(address));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidFree));
        Assert.That(v.Address, Is.EqualTo(address));
    }

    [Test]
    public void Detects_PinnedManagedMemory()
    {
        byte[] array = new byte[64];
        using var pin = Guard.Pin(array);

        Violation v = Catch(() => NativeBuffer.Free(pin.Pointer));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidFree));
        Assert.That(v.Address, Is.EqualTo(pin.Pointer));
    }
}
