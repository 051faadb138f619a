// DoubleFreeTests.cs - in-process pairs for double-free (IG0003): the same native block freed twice through
// NativeBuffer.Free, or through Free and then Dispose, next to the single free and the idempotent Dispose.
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class DoubleFreeTests : GuardedFixture
{
    [Test]
    public void Detects_FreeTwice()
    {
        int allocLine = Here.Line(); var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        int firstFreeLine = Here.Line(); NativeBuffer.Free(p);
        int secondFreeLine = 0;

        Violation v = Catch(() => { secondFreeLine = Here.Line(); NativeBuffer.Free(p); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.KindName, Is.EqualTo("double-free"));
        Assert.That(v.Id, Is.EqualTo("IG0003"));
        Assert.That(v.Address, Is.EqualTo(p));
        Assert.That(v.Size, Is.EqualTo((nint)0), "frees access no bytes");
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.NativeBlock));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)16));
        AssertSite(v.AccessSite, Here.File(), secondFreeLine, nameof(Detects_FreeTwice), "second free");
        AssertSite(v.ReleaseSite, Here.File(), firstFreeLine, nameof(Detects_FreeTwice), "first free");
        AssertSite(v.AllocationSite, Here.File(), allocLine, nameof(Detects_FreeTwice), "allocation");
    }

    [Test]
    public void Allows_FreeOnce()
    {
        var buffer = NativeBuffer.Allocate(16);

        Assert.DoesNotThrow(() => NativeBuffer.Free(buffer.Pointer));
    }

    [Test]
    public void Detects_FreeThenDispose()
    {
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        NativeBuffer.Free(p);

        Violation v = Catch(buffer.Dispose);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.Address, Is.EqualTo(p));
    }

    [Test]
    public void Allows_DisposeTwice()
    {
        var buffer = NativeBuffer.Allocate(16);
        buffer.Dispose();

        Assert.DoesNotThrow(buffer.Dispose, "Dispose is idempotent");
        Assert.That(buffer.IsDisposed, Is.True);
    }

    [Test]
    public void Detects_DisposeThenFree()
    {
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        buffer.Dispose();

        Violation v = Catch(() => NativeBuffer.Free(p));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.Address, Is.EqualTo(p));
    }
}
