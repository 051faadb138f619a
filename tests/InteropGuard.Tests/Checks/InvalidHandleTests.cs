// InvalidHandleTests.cs - in-process pairs for invalid-handle (IG0009): a CheckedHandle cookie used after Free,
// freed twice, never issued, or 0, next to the correct Alloc / Target / Free sequence.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
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
    public void Detects_UseAfterFree_AfterItsSlotWasReused()
    {
        var handle = CheckedHandle.Alloc(new object());
        nint cookie = handle.ToIntPtr();
        handle.Free();
        // A freed slot is reused once this thread has freed more than max(1024, release_history) slots after it.
        int churn = Math.Max(1024, Guard.Options.ReleaseHistory) + 2;
        bool reused = false;
        for (int i = 0; i < churn; i++)
        {
            var other = CheckedHandle.Alloc(new object());
            reused |= (uint)other.ToIntPtr() == (uint)cookie; // same slot, newer generation
            other.Free();
        }

        Assert.That(reused, Is.True, "the freed slot was reused with a newer generation");
        Violation v = Catch(() => _ = CheckedHandle.FromIntPtr(cookie).Target);
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
        Assert.That(v.Address, Is.EqualTo(cookie));
        Violation twice = Catch(() => CheckedHandle.FromIntPtr(cookie).Free());
        Assert.That(twice.Kind, Is.EqualTo(ViolationKind.InvalidHandle));
    }

    [Test]
    public void Allows_HandlesIssuedUsedAndFreedOnManyThreads()
    {
        // Issued on one thread, resolved on several, freed on another: every live cookie resolves to its own target,
        // and every stale cookie is rejected, while other threads issue and free handles next to them.
        const int Threads = 4;
        const int PerThread = 5_000;
        var handoff = new System.Collections.Concurrent.BlockingCollection<(CheckedHandle Handle, object Target)>(64);
        long wrongTargets = 0, staleAccepted = 0;
        Task producer = Task.Run(() =>
        {
            for (int i = 0; i < Threads * PerThread; i++)
            {
                object target = new();
                handoff.Add((CheckedHandle.Alloc(target), target));
            }

            handoff.CompleteAdding();
        });
        var consumers = new Task[Threads];
        for (int t = 0; t < Threads; t++)
        {
            consumers[t] = Task.Run(() =>
            {
                foreach ((CheckedHandle handle, object target) in handoff.GetConsumingEnumerable())
                {
                    if (!ReferenceEquals(CheckedHandle.FromIntPtr(handle.ToIntPtr()).Target, target))
                    {
                        Interlocked.Increment(ref wrongTargets);
                    }

                    handle.Free();
                    try
                    {
                        _ = handle.Target;
                        Interlocked.Increment(ref staleAccepted);
                    }
                    catch (InteropViolationException e) when (e.Violation.Kind == ViolationKind.InvalidHandle)
                    {
                    }
                }
            });
        }

        Task.WaitAll([producer, .. consumers]);
        Assert.That(wrongTargets, Is.Zero, "a live cookie resolved to another object");
        Assert.That(staleAccepted, Is.Zero, "a freed cookie resolved");
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
