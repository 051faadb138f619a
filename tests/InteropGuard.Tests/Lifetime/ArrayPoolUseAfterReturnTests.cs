// ArrayPoolUseAfterReturnTests.cs - in-process pairs for array-pool-use-after-return (IG0010) with GuardedArrayPool: a
// pointer into a returned array at Guard.Check, a write after return (Verify and quarantine exit, incl. a socket read that
// completes into a returned buffer), a second return, a return while pinned; each next to the nearest correct code.
using System;
using System.Buffers;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using InteropGuard.Reporting;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

public sealed class ArrayPoolUseAfterReturnTests : GuardedFixture
{
    private GuardOptions _saved = GuardOptions.Default;

    [SetUp]
    public void SaveOptions() => _saved = GuardRuntime.Options;

    [TearDown]
    public void RestoreOptions() => GuardRuntime.Options = _saved;

    [Test]
    public unsafe void Detects_PointerIntoReturnedArray_AtCall()
    {
        var pool = GuardedArrayPool<byte>.Create();
        int rentLine = Here.Line(); byte[] array = pool.Rent(4096);
        nint p;
        fixed (byte* q = array) p = (nint)q; // a POH array: the address stays valid as a number
        int returnLine = Here.Line(); pool.Return(array);
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(p + 8, 16); });

        Assert.That(pool.AllocatesPinnedArrays, Is.True);
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.ArrayPoolUseAfterReturn));
        Assert.That(v.KindName, Is.EqualTo("array-pool-use-after-return"));
        Assert.That(v.Id, Is.EqualTo("IG0010"));
        Assert.That(v.RangeStart, Is.EqualTo(p));
        Assert.That(v.RangeSize, Is.EqualTo((nint)4096));
        AssertSite(v.AccessSite, Here.File(), accessLine, nameof(Detects_PointerIntoReturnedArray_AtCall), "access site");
        AssertSite(v.AllocationSite, Here.File(), rentLine, nameof(Detects_PointerIntoReturnedArray_AtCall), "rent site");
        AssertSite(v.ReleaseSite, Here.File(), returnLine, nameof(Detects_PointerIntoReturnedArray_AtCall), "return site");
        string report = v.ToString();
        Assert.That(report, Does.Contain("points 8 bytes into a 4096-byte pooled array"));
        Assert.That(report, Does.Contain("Call that received the returned array's pointer:"));
        Assert.That(report, Does.Contain("Array returned by:"));
        Assert.That(report, Does.Contain("Array rented by:"));
        Assert.That(report, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_array_pool_use_after_return=0"));
    }

    [Test]
    public unsafe void Allows_PointerIntoRentedArray_AndIntoTheSameArrayRentedAgain()
    {
        GuardRuntime.Options = GuardOptions.Parse("pool_quarantine=0", null);
        var pool = GuardedArrayPool<byte>.Create(maxArraysPerBucket: 1);
        byte[] array = pool.Rent(4096);
        nint p;
        fixed (byte* q = array) p = (nint)q;
        Assert.DoesNotThrow(() => Guard.Check(p, 4096), "rented: the renter may pass it to native code");
        pool.Return(array);

        byte[] again = pool.Rent(4096);

        Assert.That(again, Is.SameAs(array), "no quarantine, one array per bucket: the same array comes back");
        Assert.DoesNotThrow(() => Guard.Check(p, 4096), "rented again: the new renter's pointer is fine");
        pool.Return(again);
    }

    [Test]
    public unsafe void Allows_ArrayThatLeftAWrappedPoolsQuarantine()
    {
        GuardRuntime.Options = GuardOptions.Parse("pool_quarantine=1", null);
        var pool = new GuardedArrayPool<byte>(ArrayPool<byte>.Create());
        byte[] array = pool.Rent(100_000); // large object heap: does not move
        nint p;
        fixed (byte* q = array) p = (nint)q;
        pool.Return(array);
        Violation v = Catch(() => Guard.Check(p, 16));
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.ArrayPoolUseAfterReturn), "in the quarantine: provable");

        pool.Return(pool.Rent(16)); // pushes the first array out of the quarantine into the wrapped pool

        Assert.DoesNotThrow(() => Guard.Check(p, 16), "back in the wrapped pool: anyone may have rented it, the boundary cannot know");
        GC.KeepAlive(array);
    }

    [Test]
    public void Detects_SecondReturn()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(256);
        int firstLine = Here.Line(); pool.Return(array);
        int secondLine = 0;

        Violation v = Catch(() => { secondLine = Here.Line(); pool.Return(array); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.ArrayPoolUseAfterReturn));
        AssertSite(v.AccessSite, Here.File(), secondLine, nameof(Detects_SecondReturn), "second return");
        AssertSite(v.ReleaseSite, Here.File(), firstLine, nameof(Detects_SecondReturn), "first return");
        Assert.That(v.ToString(), Does.Contain("Second return:").And.Contain("Array first returned by:").And.Contain("was already returned"));
        Assert.That(pool.QuarantinedCount, Is.EqualTo(1), "the second return did nothing");
    }

    [Test]
    public void Allows_ReturnOfTheSameArrayRentedAgain()
    {
        GuardRuntime.Options = GuardOptions.Parse("pool_quarantine=0", null);
        var pool = GuardedArrayPool<byte>.Create(maxArraysPerBucket: 1);
        byte[] array = pool.Rent(256);
        pool.Return(array);
        byte[] again = pool.Rent(256);
        Assert.That(again, Is.SameAs(array));

        Assert.DoesNotThrow(() => pool.Return(again));
    }

    [Test]
    public void Detects_ReturnWhilePinned()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(256);
        int pinLine = Here.Line(); Pin pin = Guard.Pin(array);
        int returnLine = 0;

        Violation v = Catch(() => { returnLine = Here.Line(); pool.Return(array); });

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.ArrayPoolUseAfterReturn));
        AssertSite(v.AccessSite, Here.File(), returnLine, nameof(Detects_ReturnWhilePinned), "return");
        AssertSite(v.ReleaseSite, Here.File(), pinLine, nameof(Detects_ReturnWhilePinned), "live pin");
        Assert.That(v.ToString(), Does.Contain("is still pinned by a Guard.Pin").And.Contain("Still pinned by (Guard.Pin not released):"));
        Assert.That(pool.QuarantinedCount, Is.Zero, "a refused return leaves the array with its renter");
        pin.Release();
        Assert.DoesNotThrow(() => pool.Return(array), "after the pin is released the return goes through");
    }

    [Test]
    public void Detects_ReturnWhilePinnedThroughMemory()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(256);
        Pin pin = Guard.Pin(new Memory<byte>(array, 16, 64)); // a MemoryHandle on a slice

        Violation v = Catch(() => pool.Return(array));

        Assert.That(v.ToString(), Does.Contain("still pinned"));
        pin.Release();
        pool.Return(array);
    }

    [Test]
    public void Allows_ReturnAfterThePinIsReleased()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(256);
        using (Guard.Pin(array))
        {
            array[0] = 1;
        }

        Assert.DoesNotThrow(() => pool.Return(array));
    }

    [Test]
    public void Detects_WriteAfterReturn_ByVerify()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(1024);
        int returnLine = Here.Line(); pool.Return(array);
        array[100] = 7; // BUG: a write after return
        array[103] = 9;

        int verifyLine = Here.Line(); var found = pool.Verify();

        Assert.That(found, Has.Count.EqualTo(1));
        Violation v = found[0];
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.ArrayPoolUseAfterReturn));
        Assert.That(v.Address - v.RangeStart, Is.EqualTo((nint)100));
        Assert.That(v.Size, Is.EqualTo((nint)4));
        AssertSite(v.AccessSite, Here.File(), verifyLine, nameof(Detects_WriteAfterReturn_ByVerify), "verify");
        AssertSite(v.ReleaseSite, Here.File(), returnLine, nameof(Detects_WriteAfterReturn_ByVerify), "return site");
        Assert.That(v.ToString(), Does.Contain("and written after that: 2 bytes differ from the poison, the first at byte offset 100 (found by Verify)"));
        Assert.That(pool.Verify(), Is.Empty, "reported once, poisoned again");
        string json = JsonReportFormatter.FormatLine(v);
        Assert.That(json, Does.Contain("\"foundBy\":\"pool-verify\"").And.Contain("\"kind\":\"array-pool-use-after-return\""));
    }

    [Test]
    public void Allows_Verify_OfUntouchedReturns()
    {
        var pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(1024);
        array.AsSpan().Fill(3); // writes while rented are fine
        pool.Return(array);

        Assert.That(pool.Verify(), Is.Empty);
        Assert.That(array.All(b => b == 0x55), Is.True, "returned arrays are poisoned with free_fill_byte");
    }

    [Test]
    public void Detects_WriteAfterReturn_AtQuarantineExit_AlsoThroughGuardVerify()
    {
        GuardRuntime.Options = GuardOptions.Parse("pool_quarantine=2", null);
        using var recorder = new ReportRecorder();
        var pool = GuardedArrayPool<int>.Create();
        int[] array = pool.Rent(64);
        pool.Return(array);
        array[5] = 42; // BUG

        pool.Return(pool.Rent(64));
        Assert.That(recorder.Violations, Is.Empty, "still in the quarantine");
        int evictLine = Here.Line(); pool.Return(pool.Rent(64)); // the third return pushes the first out

        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Violation v = recorder.Violations[0];
        Assert.That(v.Address - v.RangeStart, Is.EqualTo((nint)(5 * sizeof(int))));
        AssertSite(v.AccessSite, Here.File(), evictLine, nameof(Detects_WriteAfterReturn_AtQuarantineExit_AlsoThroughGuardVerify), "evicting return");
        Assert.That(v.ToString(), Does.Contain("found when it left the pool's quarantine").And.Contain("(int[64])"));

        int[] second = pool.Rent(64);
        pool.Return(second);
        second[0] = 1; // BUG, found by the process-wide sweep
        Assert.That(Guard.Verify().Count(x => x.Kind == ViolationKind.ArrayPoolUseAfterReturn), Is.EqualTo(1));
    }

    [Test]
    public async Task Detects_SocketReadCompletingIntoReturnedBuffer()
    {
        var pool = GuardedArrayPool<byte>.Create();
        (Socket client, Socket server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            byte[] buffer = pool.Rent(1024);
            ValueTask<int> read = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None); // in flight: nothing sent yet
            int returnLine = Here.Line(); pool.Return(buffer);  // BUG: returned while the read is still pending
            client.Send("late data"u8.ToArray());
            int n = await read;                                  // completes into the returned (quarantined) buffer

            var found = pool.Verify();

            Assert.That(n, Is.EqualTo(9));
            Assert.That(found, Has.Count.EqualTo(1));
            Assert.That(found[0].Address, Is.EqualTo(found[0].RangeStart), "the read wrote from the first byte");
            Assert.That(found[0].Size, Is.EqualTo((nint)9));
            AssertSite(found[0].ReleaseSite, Here.File(), returnLine, nameof(Detects_SocketReadCompletingIntoReturnedBuffer), "return site");
        }
    }

    [Test]
    public async Task Allows_SocketReadAwaitedBeforeReturn()
    {
        var pool = GuardedArrayPool<byte>.Create();
        (Socket client, Socket server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            byte[] buffer = pool.Rent(1024);
            ValueTask<int> read = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
            client.Send("on time"u8.ToArray());
            int n = await read;
            pool.Return(buffer);

            Assert.That(n, Is.EqualTo(7));
            Assert.That(pool.Verify(), Is.Empty);
        }
    }

    [Test]
    public async Task Detects_SocketReadCompletingIntoReturnedBuffer_OfAWrappedSharedPool()
    {
        var pool = new GuardedArrayPool<byte>(ArrayPool<byte>.Shared);
        (Socket client, Socket server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            byte[] buffer = pool.Rent(1024);
            ValueTask<int> read = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
            pool.Return(buffer); // BUG
            client.Send("late"u8.ToArray());
            await read;

            Assert.That(pool.AllocatesPinnedArrays, Is.False);
            Assert.That(pool.Verify(), Has.Count.EqualTo(1), "writes after return are found in wrapped pools too");
        }
    }

    [Test]
    public void CallsThroughTheArrayPoolType_AreChecked_SitesAreStandIns()
    {
        ArrayPool<byte> pool = GuardedArrayPool<byte>.Create();
        byte[] array = pool.Rent(64);
        pool.Return(array);

        Violation v = Catch(() => pool.Return(array));

        Assert.That(v.ReleaseSite!.Member, Does.Contain("called through ArrayPool<T>: site not recorded"), "the first return is a stand-in");
        Assert.That(v.AllocationSite!.Member, Does.Contain("GuardedArrayPool.Rent (called through ArrayPool<T>"));
        Assert.That(v.AccessSite!.Member, Does.Contain(nameof(CallsThroughTheArrayPoolType_AreChecked_SitesAreStandIns)), "the bad return itself walks the stack");
    }

    [Test]
    public void Shared_IsOneGuardedPoolOfPinnedArrays()
    {
        Assert.That(GuardedArrayPool<byte>.Shared, Is.SameAs(GuardedArrayPool<byte>.Shared));
        Assert.That(GuardedArrayPool<byte>.Shared.AllocatesPinnedArrays, Is.True);
        byte[] array = GuardedArrayPool<byte>.Shared.Rent(100);
        Assert.That(array.Length, Is.GreaterThanOrEqualTo(100));
        GuardedArrayPool<byte>.Shared.Return(array);
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await accept);
    }
}
