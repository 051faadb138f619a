// NativeBufferAlignmentTests.cs - NativeBuffer.Allocate's alignment contract: up to NativeBuffer.MaxAlignment the block
// is aligned and guarded; above it the call fails with an argument error naming the alignment and the limit.
using System;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class NativeBufferAlignmentTests : GuardedFixture
{
    [Test]
    public void Allows_AlignmentAtTheLimit()
    {
        using var buffer = NativeBuffer.Allocate(100, NativeBuffer.MaxAlignment);

        Assert.That(buffer.Pointer % NativeBuffer.MaxAlignment, Is.EqualTo((nint)0));
        Assert.Throws<InteropViolationException>(() => Guard.Check(buffer.Pointer, 101), "the block is tracked: its end is known");
    }

    [Test]
    public void Rejects_AlignmentAboveTheLimit_NamingItAndTheLimit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NativeBuffer.Allocate(16, NativeBuffer.MaxAlignment * 2));

        Assert.That(e!.ParamName, Is.EqualTo("alignment"));
        Assert.That(e.Message, Does.Contain("alignment 65536 is not supported"));
        Assert.That(e.Message, Does.Contain("a power of two up to 32768"));
    }

    [Test]
    public void Rejects_AlignmentNotAPowerOfTwo()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NativeBuffer.Allocate(16, 48));

        Assert.That(e!.Message, Does.Contain("alignment 48 is not supported"));
    }
}
