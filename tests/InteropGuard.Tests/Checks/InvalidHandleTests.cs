// InvalidHandleTests.cs - in-process pairs for invalid-handle (IG0009): a CheckedHandle cookie used after Free,
// freed twice, never issued, or 0, next to the correct Alloc / Target / Free sequence.
using System.Collections.Generic;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class InvalidHandleTests : GuardedFixture
{
    [Test]
    public void Detects_UseAfterFree()
    {
        int allocLine = Here.Line(); var handle = CheckedHandle.Alloc(new object());
        nint cookie = handle.ToIntPtr();
        int freeLine = Here.Line(); handle.Free();
        var copy = CheckedHandle.FromIntPtr(cookie);

        Violation v = Catch(() => _ = copy.Target);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
        Assert.That(v.KindName, Is.EqualTo("invalid-handle"));
        Assert.That(v.Id, Is.EqualTo("IG0009"));
        Assert.That(v.Address, Is.EqualTo(cookie));
        AssertSite(v.AllocationSite, Here.File(), allocLine, nameof(Detects_UseAfterFree), "issued by");
        AssertSite(v.ReleaseSite, Here.File(), freeLine, nameof(Detects_UseAfterFree), "freed by");
    }

    [Test]
    public void Allows_UseBeforeFree()
    {
        object target = new();
        var handle = CheckedHandle.Alloc(target);
        var copy = CheckedHandle.FromIntPtr(handle.ToIntPtr());

        Assert.That(copy.Target, Is.SameAs(target));
        Assert.That(copy.GetTarget<object>(), Is.SameAs(target));
        Assert.That(copy, Is.EqualTo(handle));
        Assert.DoesNotThrow(() => handle.Free());
    }

    [Test]
    public void Detects_GetTargetAfterFree()
    {
        var handle = CheckedHandle.Alloc("text");
        handle.Free();

        Violation v = Catch(() => handle.GetTarget<string>());

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
    }

    [Test]
    public void Detects_FreeTwice()
    {
        var handle = CheckedHandle.Alloc(new object());
        int firstFreeLine = Here.Line(); handle.Free();
        int secondFreeLine = 0;

        Violation v = Catch(() => { secondFreeLine = Here.Line(); handle.Free(); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
        Assert.That(v.Address, Is.EqualTo(handle.ToIntPtr()));
        AssertSite(v.AccessSite, Here.File(), secondFreeLine, nameof(Detects_FreeTwice), "second free");
        AssertSite(v.ReleaseSite, Here.File(), firstFreeLine, nameof(Detects_FreeTwice), "first free");
    }

    [Test]
    public void Allows_FreeOnce()
    {
        var handle = CheckedHandle.Alloc(new object());

        Assert.DoesNotThrow(() => handle.Free());
    }

    [TestCase(0x5A5A_0000_1234L)]
    [TestCase(0x1L)]
    [TestCase(-1L)]
    public void Detects_NeverIssued(long value)
    {
        CheckedHandle handle = default;
        Assert.DoesNotThrow(() => handle = CheckedHandle.FromIntPtr((nint)value), "FromIntPtr never throws");

        Violation v = Catch(() => _ = handle.Target);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
        Assert.That(v.Address, Is.EqualTo((nint)value));
        Assert.That(v.AllocationSite, Is.Null, "never issued: no issuing site");
    }

    [Test]
    public void Detects_Zero()
    {
        var handle = CheckedHandle.FromIntPtr(0);

        Violation v = Catch(() => _ = handle.Target);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
        Assert.That(v.Address, Is.EqualTo((nint)0));
    }

    [Test]
    public void Detects_DefaultHandle()
    {
        CheckedHandle handle = default;

        Violation v = Catch(() => _ = handle.Target);

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
    }

    [Test]
    public void Allows_CookiesNeverReused()
    {
        var seen = new HashSet<nint>();
        for (int i = 0; i < 1000; i++)
        {
            var handle = CheckedHandle.Alloc(new object());
            nint cookie = handle.ToIntPtr();
            Assert.That(cookie, Is.Not.EqualTo((nint)0));
            Assert.That(seen.Add(cookie), Is.True, $"cookie 0x{cookie:x} issued twice (iteration {i})");
            handle.Free();
        }
    }

    [Test]
    public void GetTarget_WrongType_ThrowsInvalidCastNamingBothTypes()
    {
        var handle = CheckedHandle.Alloc(new List<int>());
        try
        {
            var e = Assert.Throws<System.InvalidCastException>(() => handle.GetTarget<string>())!;
            Assert.That(e.Message, Does.Contain("String"));
            Assert.That(e.Message, Does.Contain("List"));
        }
        finally
        {
            handle.Free();
        }
    }
}
