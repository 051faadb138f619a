// DisposeSiteTests.cs - what a parameterless Dispose() records as the free/release site: a stand-in that says how to
// get the real one (naming the caller costs a ~14 µs stack walk), the real caller with capture_stacks=1, and the real
// caller whenever the dispose itself finds the bug.
using System;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class DisposeSiteTests : GuardedFixture
{
    [Test]
    public void Dispose_RecordsAStandInThatSaysHowToRecordTheSite()
    {
        var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        buffer.Dispose();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.NativeUseAfterFree));
        Assert.That(v.ReleaseSite, Is.Not.Null);
        Assert.That(v.ReleaseSite!.File, Is.Empty, "no stack walk by default");
        Assert.That(v.ReleaseSite.Member, Does.StartWith("NativeBuffer.Dispose()"));
        Assert.That(v.ReleaseSite.Member, Does.Contain("call Release() instead, or set capture_stacks=1"));
        Assert.That(v.ToString(), Does.Contain("Buffer freed by:\n  #0 NativeBuffer.Dispose() (call site not recorded"));
    }

    [Test]
    public void PinDispose_RecordsTheStandIn()
    {
        byte[] array = new byte[4096];
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Dispose();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        Assert.That(v.ReleaseSite!.Member, Does.StartWith("Pin.Dispose() (call site not recorded"));
        GC.KeepAlive(array);
    }

    [Test]
    public void Dispose_WithCaptureStacks_NamesTheCaller()
    {
        GuardOptions saved = GuardRuntime.Options;
        GuardRuntime.Options = GuardOptions.Parse("capture_stacks=1", null);
        try
        {
            var buffer = NativeBuffer.Allocate(32);
            nint p = buffer.Pointer;
            int freeLine = Here.Line(); buffer.Dispose();

            Violation v = Catch(() => Guard.Check(p, 4));

            Assert.That(v.ReleaseSite!.IsUnrecorded, Is.False);
            Assert.That(v.ReleaseSite.File, Is.EqualTo(Here.File()));
            Assert.That(v.ReleaseSite.Line, Is.EqualTo(freeLine));
            Assert.That(v.ReleaseSite.Stack, Is.Not.Null.And.Not.Empty);
        }
        finally
        {
            GuardRuntime.Options = saved;
        }
    }

    [Test]
    public void DoubleFreeFoundByDispose_NamesTheDisposingLine()
    {
        var buffer = NativeBuffer.Allocate(16);
        NativeBuffer.Free(buffer.Pointer);
        int line = 0;

        Violation v = Catch(() => { line = Here.Line(); buffer.Dispose(); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.DoubleFree));
        Assert.That(v.AccessSite!.IsUnrecorded, Is.False, "a free that finds a bug walks the stack: that path is rare");
        Assert.That(v.AccessSite.File, Is.EqualTo(Here.File()));
        Assert.That(v.AccessSite.Line, Is.EqualTo(line));
    }

    [Test]
    public void Release_RecordsTheCallerForFree()
    {
        var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        int freeLine = Here.Line(); buffer.Release();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(v.ReleaseSite!.File, Is.EqualTo(Here.File()));
        Assert.That(v.ReleaseSite.Line, Is.EqualTo(freeLine));
        Assert.That(v.ReleaseSite.Member, Is.EqualTo(nameof(Release_RecordsTheCallerForFree)));
    }
}
