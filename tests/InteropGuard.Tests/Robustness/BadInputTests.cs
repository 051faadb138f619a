// BadInputTests.cs - garbage, zero, huge and negative arguments to Check, Allocate, Free and Pin: unknown
// addresses are allowed, bad lengths throw ArgumentOutOfRangeException, nothing crashes.
using System;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Robustness;

public sealed class BadInputTests : GuardedFixture
{
    [TestCase(0L, 0L)]
    [TestCase(0L, 16L)]
    [TestCase(0x1L, 1L)]
    [TestCase(0xdeadbeefL, 4L)]
    [TestCase(0xdeadbeefL, long.MaxValue)]
    [TestCase(0x7f00_0000_0003L, 7L)]
    [TestCase(-1L, 1L)]
    [TestCase(-1L, long.MaxValue)]
    [TestCase(long.MinValue, 8L)]
    public void Check_UnknownAddress_IsAllowed(long address, long length)
    {
        Assert.DoesNotThrow(() => Guard.Check((nint)address, (nint)length));
    }

    [Test]
    public unsafe void Check_NullVoidPointer_IsAllowed()
    {
        Assert.DoesNotThrow(() => Guard.Check((void*)null, 0));
        Assert.DoesNotThrow(() => Guard.Check((void*)null, 16));
    }

    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void Check_NegativeLength_Throws(long length)
    {
        using var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Check(p, (nint)length))!;
        Assert.That(e.ParamName, Is.EqualTo("length"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Check(0, (nint)length), "even for an unknown address");
    }

    [Test]
    public void Allocate_Zero_GivesAnEmptyUsableBuffer()
    {
        using var buffer = NativeBuffer.Allocate(0);

        Assert.That(buffer.Length, Is.EqualTo((nint)0));
        Assert.That(buffer.Pointer, Is.Not.EqualTo((nint)0));
        Assert.That(buffer.Span.Length, Is.Zero);
        Assert.DoesNotThrow(() => Guard.Check(buffer.Pointer, 0));
        Violation v = Catch(() => Guard.Check(buffer.Pointer, 1));
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow), "no byte of a 0-byte block may be accessed");
    }

    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void Allocate_NegativeLength_Throws(long length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeBuffer.Allocate((nint)length));
    }

    [TestCase(long.MaxValue)]
    [TestCase(long.MaxValue - 4096)]
    [TestCase(1L << 50)]
    public void Allocate_Huge_ThrowsOutOfMemory(long length)
    {
        Assert.Throws<OutOfMemoryException>(() => NativeBuffer.Allocate((nint)length));
    }

    [TestCase(3L)]
    [TestCase(24L)]
    [TestCase(-16L)]
    public void Allocate_BadAlignment_ThrowsArgumentException(long alignment)
    {
        Assert.That(() => NativeBuffer.Allocate(16, (nint)alignment), Throws.InstanceOf<ArgumentException>());
    }

    [TestCase(64L)]
    [TestCase(4096L)]
    public void Allocate_Aligned_IsAlignedAndChecked(long alignment)
    {
        using var buffer = NativeBuffer.Allocate(100, (nint)alignment);

        Assert.That(buffer.Pointer % (nint)alignment, Is.EqualTo((nint)0));
        Assert.DoesNotThrow(() => Guard.Check(buffer.Pointer, 100));
        Assert.That(Catch(() => Guard.Check(buffer.Pointer, 101)).Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
    }

    [Test]
    public void Span_AfterDispose_ThrowsObjectDisposed_PointerStaysANumber()
    {
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _ = buffer.Span.Length);
        Assert.That(buffer.Pointer, Is.EqualTo(p));
        Assert.That(buffer.Length, Is.EqualTo((nint)16));
    }

    [Test]
    public void Span_CoversExactlyTheBuffer()
    {
        using var buffer = NativeBuffer.Allocate(24);

        Assert.That(buffer.Span.Length, Is.EqualTo(24));
        buffer.Span.Fill(1);
        Assert.That(InteropGuard.Scenarios.TestNative.Sum(buffer.Pointer, 24), Is.EqualTo(24UL));
    }

    [Test]
    public void Pin_EmptyArray_DoesNotCrash()
    {
        Assert.DoesNotThrow(() =>
        {
            using var pin = Guard.Pin(Array.Empty<byte>());
            Assert.That(pin.Length, Is.EqualTo((nint)0));
        });
    }

    [Test]
    public void Pin_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Guard.Pin((byte[])null!));
        Assert.Throws<ArgumentNullException>(() => Guard.Pin((string)null!));
    }

    [Test]
    public void CheckedHandle_AllocNull_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => CheckedHandle.Alloc(null!));
    }
}
