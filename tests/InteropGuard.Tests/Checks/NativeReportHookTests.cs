// NativeReportHookTests.cs - in-process pairs for problems native code finds itself (ig_free in
// libigtestnative): they flow through the runtime's report hook into Guard.ViolationReported without an
// exception crossing native frames.
using System.Linq;
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class NativeReportHookTests : GuardedFixture
{
    [Test]
    public void Detects_NativeDoubleFree()
    {
        nint p = TestNative.Alloc(24);
        Assert.That(p, Is.Not.EqualTo((nint)0));
        long before = Guard.ReportCount;
        using var recorder = new ReportRecorder();

        Assert.DoesNotThrow(() => TestNative.FreeTwice(p), "no exception may unwind through native frames");

        var reported = recorder.Violations.Where(v => v.Address == p).ToList();
        Assert.That(reported, Has.Count.EqualTo(1));
        Assert.That(reported[0].Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(reported[0].Id, Is.EqualTo("IG0003"));
        Assert.That(reported[0].RangeStart, Is.EqualTo(p));
        Assert.That(reported[0].RangeSize, Is.EqualTo((nint)24));
        Assert.That(Guard.ReportCount, Is.EqualTo(before + 1));
    }

    [Test]
    public void Detects_NativeDoubleFree_NamesTheManagedCallerOfThePInvoke()
    {
        nint p = TestNative.Alloc(24);
        using var recorder = new ReportRecorder();

        TestNative.FreeTwice(p); int line = Here.Line();

        Violation v = recorder.Violations.Single(x => x.Address == p);
        Assert.That(v.AccessSite, Is.Not.Null);
        Assert.That(v.AccessSite!.File, Does.EndWith("NativeReportHookTests.cs"), "the P/Invoke stub and generated marshalling frames are skipped");
        Assert.That(v.AccessSite.Line, Is.EqualTo(line));
        Assert.That(v.AccessSite.Member, Does.EndWith(nameof(Detects_NativeDoubleFree_NamesTheManagedCallerOfThePInvoke)));
        Assert.That(v.SinceRelease, Is.LessThan(System.TimeSpan.FromMilliseconds(50)),
            "the first free happened right before the second; the sanitizer's own stack walk must not count");
    }

    [Test]
    public void Allows_NativeFreeOnce()
    {
        nint p = TestNative.Alloc(24);
        using var recorder = new ReportRecorder();

        TestNative.Free(p);

        Assert.That(recorder.Violations, Is.Empty);
    }

    [Test]
    public void Detects_NativeInteriorFree()
    {
        nint p = TestNative.Alloc(24);
        using var recorder = new ReportRecorder();

        TestNative.FreeInterior(p, 8);

        var reported = recorder.Violations.Where(v => v.Address == p + 8).ToList();
        Assert.That(reported, Has.Count.EqualTo(1));
        Assert.That(reported[0].Kind, Is.EqualTo(ViolationKind.InvalidFree));
        TestNative.Free(p);
    }

    [Test]
    public void Detects_NativeFreeOfManagedAllocation_ThenManagedDisposeIsDoubleFree()
    {
        // Ownership handed to native code, which frees it; the managed owner disposing afterwards is the bug.
        var buffer = NativeBuffer.Allocate(40);
        nint p = buffer.Pointer;
        using var recorder = new ReportRecorder();
        TestNative.Free(p);
        Assert.That(recorder.Violations, Is.Empty, "one native free of a managed allocation is fine");

        Violation v = Catch(buffer.Dispose);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.Address, Is.EqualTo(p));
    }

    [Test]
    public void Allows_NativeReadOfLiveBuffer()
    {
        using var buffer = NativeBuffer.Allocate(16);
        buffer.Span.Fill(2);
        TestNative.KeepPointer(buffer.Pointer);

        Assert.DoesNotThrow(() => Guard.Check(TestNative.KeptPointer(), 16));
        Assert.That(TestNative.ReadKept(16), Is.EqualTo(32UL));
    }

    [Test]
    public void Detects_KeptPointerAfterFree()
    {
        var buffer = NativeBuffer.Allocate(16);
        TestNative.KeepPointer(buffer.Pointer);
        buffer.Dispose();
        nint kept = TestNative.KeptPointer();

        Violation v = Catch(() => Guard.Check(kept, 16));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
        Assert.That(TestNative.ReadKept(16), Is.EqualTo(16UL * 0x55), "free_fill_byte 0x55 poisons freed bytes");
    }
}
