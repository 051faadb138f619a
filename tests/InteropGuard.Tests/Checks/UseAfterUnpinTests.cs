// UseAfterUnpinTests.cs - in-process pairs for use-after-unpin (IG0005): a pointer into a released pin reaches
// Guard.Check while the object is still at the pinned address; and the allowed cases: still pinned, pinned
// again, and (best effort) the object moved or was collected, where the boundary cannot know and must not report.
using System;
using System.Runtime.CompilerServices;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Checks;

public sealed class UseAfterUnpinTests : GuardedFixture
{
    // Large object heap: not moved by the gen0/gen1 collections that may run between unpin and check.
    private const int LargeArray = 100_000;

    [Test]
    public void Detects_PointerIntoReleasedPin()
    {
        byte[] array = new byte[LargeArray];
        int pinLine = Here.Line(); var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        int unpinLine = Here.Line(); pin.Release();
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(p, 16); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        Assert.That(v.KindName, Is.EqualTo("use-after-unpin"));
        Assert.That(v.Id, Is.EqualTo("IG0005"));
        Assert.That(v.Address, Is.EqualTo(p));
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.ManagedPin));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)LargeArray));
        AssertSite(v.AccessSite, Here.File(), accessLine, nameof(Detects_PointerIntoReleasedPin), "access site");
        AssertSite(v.AllocationSite, Here.File(), pinLine, nameof(Detects_PointerIntoReleasedPin), "pin site");
        AssertSite(v.ReleaseSite, Here.File(), unpinLine, nameof(Detects_PointerIntoReleasedPin), "unpin site");
        GC.KeepAlive(array);
    }

    [Test]
    public void Detects_PointerIntoPinReleasedOnAnotherThread()
    {
        byte[] array = new byte[LargeArray];
        Pin pin = OnThread(() => Guard.Pin(array));
        int unpinLine = 0;
        OnThread(() => { unpinLine = Here.Line(); pin.Release(); return pin; });

        Violation v = Catch(() => Guard.Check(pin.Pointer + 8, 16));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        Assert.That(v.RangeStart, Is.EqualTo(pin.Pointer));
        Assert.That(v.RangeSize, Is.EqualTo((nint)LargeArray));
        Assert.That(v.ReleaseSite?.Line, Is.EqualTo(unpinLine), "the release site is the other thread's");
        GC.KeepAlive(array);
    }

    [Test]
    public void Allows_PointerIntoLivePinOfAnotherThread_AndItsReleaseThere()
    {
        byte[] array = new byte[LargeArray];
        Pin pin = OnThread(() => Guard.Pin(array));

        Assert.That(pin.Id, Is.Not.EqualTo(0UL));
        Assert.DoesNotThrow(() => Guard.Check(pin.Pointer, pin.Length), "a live pin of another thread's pin log");
        OnThread(() => { pin.Release(); return pin; });
        Assert.That(pin.IsReleased, Is.True);
        Assert.DoesNotThrow(() => pin.Release(), "a second release stays silent");
        GC.KeepAlive(array);
    }

    private static Pin OnThread(Func<Pin> work)
    {
        Pin? result = null;
        var thread = new System.Threading.Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result!;
    }

    [Test]
    public void Allows_PointerIntoLivePin()
    {
        byte[] array = new byte[LargeArray];
        using var pin = Guard.Pin(array);

        Assert.That(pin.IsReleased, Is.False);
        Assert.That(pin.Length, Is.EqualTo((nint)LargeArray));
        Assert.That(pin.Id, Is.Not.EqualTo(0UL));
        Assert.DoesNotThrow(() => Guard.Check(pin.Pointer, pin.Length));
    }

    [Test]
    public void Allows_PinnedAgainAfterRelease()
    {
        byte[] array = new byte[LargeArray];
        var first = Guard.Pin(array);
        nint p = first.Pointer;
        first.Dispose();
        using var second = Guard.Pin(array);

        Assert.That(second.Pointer, Is.EqualTo(p), "a large object does not move");
        Assert.DoesNotThrow(() => Guard.Check(p, 16), "the live pin wins over the released one");
    }

    [Test]
    public void Allows_DisposeTwice()
    {
        var pin = Guard.Pin(new int[8]);
        pin.Dispose();

        Assert.DoesNotThrow(pin.Dispose);
        Assert.That(pin.IsReleased, Is.True);
    }

    [Test]
    public void Detects_ReleasedStringPin()
    {
        string text = new('x', 50_000); // 100 000 bytes: large object heap
        var pin = Guard.Pin(text);
        nint p = pin.Pointer;
        Assert.That(pin.Length, Is.EqualTo((nint)(text.Length * sizeof(char))));
        pin.Dispose();

        Violation v = Catch(() => Guard.Check(p, 2));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        GC.KeepAlive(text);
    }

    [Test]
    public void Detects_ReleasedMemoryPin()
    {
        int[] array = new int[LargeArray / sizeof(int)];
        var pin = Guard.Pin(new Memory<int>(array, 10, 100));
        nint p = pin.Pointer;
        Assert.That(pin.Length, Is.EqualTo((nint)(100 * sizeof(int))));
        pin.Dispose();

        Violation v = Catch(() => Guard.Check(p, 4));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        GC.KeepAlive(array);
    }

    [Test]
    public void Allows_ReleasedPinOfCollectedObject()
    {
        nint p = PinAndRelease();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "the object is gone: the boundary cannot know, it must not report");
    }

    [Test]
    public unsafe void Allows_ReleasedPinOfMovedObject()
    {
        // Dead arrays in front of the target make the compacting collection slide it down.
        var garbage = new object[64];
        for (int i = 0; i < garbage.Length; i++) garbage[i] = new byte[1024];
        byte[] array = new byte[256];
        garbage = null!;
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Dispose();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true);
        nint now;
        fixed (byte* q = array) now = (nint)q;
        if (now == p) Assert.Inconclusive("the collector did not move the array; nothing to test");

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "the object moved: the old address is not its memory any more");
        GC.KeepAlive(array);
    }

    [Test]
    public void Allows_ReleasedPinOfPinnedObjectHeapArray()
    {
        // Allocated as the generator's interceptor of GC.AllocateArray(..., pinned: true) allocates it: noted as never moving.
        byte[] array = InteropGuard.Interception.PinnedArrays.AllocateArray<byte>(LargeArray, pinned: true);
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Release();

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "a pinned-object-heap array never moves: its address stays valid");
        GC.KeepAlive(array);
    }

    [Test]
    public void Detects_PointerIntoReleasedPin_OfAnArrayAllocatedUnpinnedThroughTheSamePath()
    {
        byte[] array = InteropGuard.Interception.PinnedArrays.AllocateArray<byte>(LargeArray, pinned: false);
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Release();

        Violation v = Catch(() => Guard.Check(p, 16));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        GC.KeepAlive(array);
    }

    [Test]
    public void Allows_ReleasedPinOfFrozenArray()
    {
        byte[] array = FrozenHolder.Rows;
        if (GC.GetGeneration(array) != int.MaxValue) Assert.Inconclusive("the runtime did not put the array on a frozen segment");
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Release();

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "a frozen-segment array never moves");
    }

    // A static readonly array the JIT allocates on a frozen (NonGC) segment.
    private static class FrozenHolder
    {
        public static readonly byte[] Rows = new byte[64];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [TestCase(false)]
    [TestCase(true)]
    public void Detects_PointerIntoReleasedPin_ThatAFullLogSentToTheTable(bool memory)
    {
        byte[] array = new byte[LargeArray];
        Pin pin = OnThreadWithAFullLog(() => memory ? Guard.Pin(new Memory<byte>(array, 64, 1024)) : Guard.Pin(array));
        Assert.That(pin.Id, Is.Not.Zero);
        Assert.That(InteropGuard.Handles.PinLogHandles.IsLogId(pin.Id), Is.False, "every slot of the thread's log was live");
        pin.Release();

        Violation v = Catch(() => Guard.Check(pin.Pointer + 8, 16));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        Assert.That(v.RangeStart, Is.EqualTo(pin.Pointer));
        GC.KeepAlive(array);
    }

    [Test]
    public void Allows_ReleasedPinThatAFullLogSentToTheTable_OfACollectedObject()
    {
        nint p = ReleasedTablePinOfGarbage();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "the object is gone: its weak handle says so, and the boundary must not report");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint ReleasedTablePinOfGarbage()
    {
        Pin pin = OnThreadWithAFullLog(() => Guard.Pin(new byte[LargeArray]));
        Assert.That(InteropGuard.Handles.PinLogHandles.IsLogId(pin.Id), Is.False);
        pin.Release();
        return pin.Pointer;
    }

    // Makes `work`'s pin on a thread whose pin log holds only live pins, so the pin goes to the shared table.
    private static Pin OnThreadWithAFullLog(Func<Pin> work) => OnThread(() =>
    {
        byte[] small = new byte[16];
        var held = new Pin[InteropGuard.Native.IgConstants.PinLogSlots];
        for (int i = 0; i < held.Length; i++)
        {
            held[i] = Guard.Pin(small);
        }

        Pin pin = work();
        foreach (Pin h in held)
        {
            h.Release();
        }

        return pin;
    });

    private static nint PinAndRelease()
    {
        byte[] array = new byte[256];
        var pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Dispose();
        return p;
    }
}
