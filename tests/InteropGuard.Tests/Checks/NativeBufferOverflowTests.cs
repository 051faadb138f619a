// NativeBufferOverflowTests.cs - in-process pairs for native-buffer-overflow (IG0002): a checked range that
// leaves its block, an address in the redzone, and bytes written past the end by native code (found by
// Guard.Verify and at Dispose), each next to the nearest correct code.
using System.Linq;
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class NativeBufferOverflowTests : GuardedFixture
{
    [Test]
    public void Detects_RangeLeavingBlock()
    {
        int allocLine = Here.Line(); using var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(p, 65); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(v.KindName, Is.EqualTo("native-buffer-overflow"));
        Assert.That(v.Id, Is.EqualTo("IG0002"));
        Assert.That(v.Address, Is.EqualTo(p));
        Assert.That(v.Size, Is.EqualTo((nint)65));
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.NativeBlock));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)64));
        Assert.That(v.ReleaseSite, Is.Null, "a live block has no release site");
        AssertSite(v.AccessSite, Here.File(), accessLine, nameof(Detects_RangeLeavingBlock), "access site");
        AssertSite(v.AllocationSite, Here.File(), allocLine, nameof(Detects_RangeLeavingBlock), "allocation site");
    }

    [Test]
    public void Allows_RangeEndingAtBlockEnd()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;

        Assert.DoesNotThrow(() => Guard.Check(p, 64));
        Assert.DoesNotThrow(() => Guard.Check(p + 63, 1));
        Assert.DoesNotThrow(() => Guard.Check(p + 64, 0), "one past the end with length 0 is inside");
    }

    [Test]
    public void Detects_AddressInRightRedzone()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint r = buffer.Pointer + 68;

        Violation v = Catch(() => Guard.Check(r, 1));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(v.Address, Is.EqualTo(r));
        Assert.That(v.RangeStart, Is.EqualTo(buffer.Pointer));
        Assert.That(v.RangeSize, Is.EqualTo((nint)64));
        Assert.That(v.Description, Does.Contain("4 bytes past the end"));
    }

    [Test]
    public void Detects_AddressInLeftRedzone()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint l = buffer.Pointer - 1;

        Violation v = Catch(() => Guard.Check(l, 1));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(v.Address, Is.EqualTo(l));
        Assert.That(v.RangeStart, Is.EqualTo(buffer.Pointer));
        Assert.That(v.Description, Does.Contain("1 bytes before").Or.Contain("1 byte before"));
    }

    [Test]
    public void Detects_OverflowWrittenByNative_AtDispose()
    {
        int allocLine = Here.Line(); var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        TestNative.Fill(p, 36, 7);
        InteropViolationException? caught = null;

        // Not in a lambda: Dispose has no caller-info parameters, the runtime finds its caller on the stack.
        int disposeLine = Here.Line(); try { buffer.Dispose(); } catch (InteropViolationException e) { caught = e; }

        Assert.That(caught, Is.Not.Null, "Dispose of a block with a damaged canary throws");
        Violation v = caught!.Violation;

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)32));
        Assert.That(v.Address, Is.EqualTo(p + 32), "the first damaged canary byte");
        Assert.That(buffer.IsDisposed, Is.True, "the block is freed even though its canary was damaged");
        AssertSite(v.AccessSite, Here.File(), disposeLine, nameof(Detects_OverflowWrittenByNative_AtDispose), "free site");
        AssertSite(v.AllocationSite, Here.File(), allocLine, nameof(Detects_OverflowWrittenByNative_AtDispose), "allocation site");
    }

    [Test]
    public void Allows_NativeWriteUpToTheEnd_AtDispose()
    {
        var buffer = NativeBuffer.Allocate(32);
        TestNative.Fill(buffer.Pointer, 32, 7);

        Assert.DoesNotThrow(buffer.Dispose);
        Assert.That(buffer.IsDisposed, Is.True);
    }

    [Test]
    public void Detects_OverflowWrittenByNative_ByVerify()
    {
        var buffer = NativeBuffer.Allocate(48);
        nint p = buffer.Pointer;
        TestNative.Fill(p, 49, 7);
        using var recorder = new ReportRecorder();

        var found = Guard.Verify().Where(v => v.RangeStart == p).ToList();

        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0].Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(found[0].RangeSize, Is.EqualTo((nint)48));
        Assert.That(found[0].Address, Is.EqualTo(p + 48));
        Assert.That(recorder.Violations.Any(v => v.RangeStart == p), Is.True, "Verify reports what it finds");
        Assert.That(buffer.IsDisposed, Is.False, "Verify does not free");
        Assert.That(Guard.Verify().Where(v => v.RangeStart == p), Is.Empty, "a later Verify does not report the same damage again");
        Assert.DoesNotThrow(buffer.Dispose, "the free finds the damage Verify reported: one overflow, one report");
        Assert.That(buffer.IsDisposed, Is.True);
        Assert.That(recorder.Violations.Count(v => v.RangeStart == p), Is.EqualTo(1), "reported once, by Verify");
    }

    [Test]
    public void Detects_OverflowAfterVerifiedClean_AtDispose()
    {
        var buffer = NativeBuffer.Allocate(48);
        nint p = buffer.Pointer;
        Assert.That(Guard.Verify().Where(v => v.RangeStart == p), Is.Empty);
        TestNative.Fill(p, 49, 7);

        Assert.Throws<InteropViolationException>(buffer.Dispose, "damage Verify never reported is reported by the free");
    }

    [Test]
    public void Allows_IntactBuffer_ByVerify()
    {
        using var buffer = NativeBuffer.Allocate(48);
        TestNative.Fill(buffer.Pointer, 48, 7);

        var found = Guard.Verify().Where(v => v.RangeStart == buffer.Pointer).ToList();

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Detects_HugeLengthOnKnownBlock_WithoutWrapAround()
    {
        using var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;

        Violation v = Catch(() => Guard.Check(p, nint.MaxValue));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeBufferOverflow));
        Assert.That(v.RangeStart, Is.EqualTo(p));
    }
}
