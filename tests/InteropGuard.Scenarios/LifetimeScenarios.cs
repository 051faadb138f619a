// LifetimeScenarios.cs - lifetime scenarios: pooled arrays used after return, mapped views used after release,
// strings kept by native code past their pin; each bug next to the nearest correct code, run one per child process.
using System;
using System.Collections.Generic;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace InteropGuard.Scenarios;

internal static class LifetimeScenarios
{
    /// <summary>The scenarios of this file, merged into ScenarioTable.All.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["pool_use_after_return"] = PoolUseAfterReturn,
        ["pool_use_after_return_ok"] = PoolUseAfterReturnOk,
        ["pool_double_return"] = PoolDoubleReturn,
        ["pool_double_return_ok"] = PoolDoubleReturnOk,
        ["pool_return_while_pinned"] = PoolReturnWhilePinned,
        ["pool_return_while_pinned_ok"] = PoolReturnWhilePinnedOk,
        ["pool_late_socket_read"] = PoolLateSocketRead,
        ["pool_late_socket_read_ok"] = PoolLateSocketReadOk,
        ["use_after_unmap"] = UseAfterUnmap,
        ["use_after_unmap_ok"] = UseAfterUnmapOk,
        ["string_kept_past_pin"] = StringKeptPastPin,
        ["string_kept_past_pin_ok"] = StringKeptPastPinOk,
    };

    // Native code keeps a pointer into a pooled buffer; the buffer is returned, then native code reads it again.
    private static unsafe void PoolUseAfterReturn()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(4096);
        fixed (byte* p = buffer) TestNative.KeepPointer((nint)p); // pooled arrays live on the POH: the pointer stays valid
        pool.Return(buffer);
        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
    }

    private static unsafe void PoolUseAfterReturnOk()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(4096);
        fixed (byte* p = buffer) TestNative.KeepPointer((nint)p);
        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
        TestNative.KeepPointer(0);
        pool.Return(buffer);
    }

    // Two owners both think they return the buffer.
    private static void PoolDoubleReturn()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(512);
        pool.Return(buffer);
        pool.Return(buffer);
    }

    private static void PoolDoubleReturnOk()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[]? buffer = pool.Rent(512);
        pool.Return(buffer);
        buffer = null;
        GC.KeepAlive(buffer);
    }

    // The buffer is returned while the pin native code uses it through is still live.
    private static void PoolReturnWhilePinned()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(512);
        Pin pin = Guard.Pin(buffer);
        TestNative.Fill(pin.Pointer, 512, 1);
        pool.Return(buffer);
        pin.Release();
    }

    private static void PoolReturnWhilePinnedOk()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(512);
        Pin pin = Guard.Pin(buffer);
        TestNative.Fill(pin.Pointer, 512, 1);
        pin.Release();
        pool.Return(buffer);
    }

    // A socket read is still in flight when its buffer goes back to the pool; it completes into the returned buffer.
    private static void PoolLateSocketRead() => LateSocketRead(returnFirst: true);

    private static void PoolLateSocketReadOk() => LateSocketRead(returnFirst: false);

    private static void LateSocketRead(bool returnFirst)
    {
        var pool = GuardedArrayPool<byte>.Shared;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        client.Connect(listener.LocalEndPoint!);
        using Socket server = accept.GetAwaiter().GetResult();

        byte[] buffer = pool.Rent(1024);
        ValueTask<int> read = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
        if (returnFirst)
        {
            pool.Return(buffer); // BUG: the read is still pending
        }

        client.Send("late data"u8.ToArray());
        int n = read.AsTask().GetAwaiter().GetResult();
        if (!returnFirst)
        {
            pool.Return(buffer);
        }

        Console.WriteLine($"read {n} bytes; Verify found {pool.Verify().Count}");
    }

    // Native code keeps a pointer into a mapped view the program released; the file object still maps it.
    private static void UseAfterUnmap()
    {
        using var file = MemoryMappedFile.CreateNew(null, 4096);
        using var accessor = file.CreateViewAccessor(0, 4096);
        MappedView view = Guard.MapView(accessor);
        TestNative.KeepPointer(view.Pointer);
        view.Release();
        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
        TestNative.KeepPointer(0);
    }

    private static void UseAfterUnmapOk()
    {
        using var file = MemoryMappedFile.CreateNew(null, 4096);
        using var accessor = file.CreateViewAccessor(0, 4096);
        using MappedView view = Guard.MapView(accessor);
        TestNative.KeepPointer(view.Pointer);
        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
        TestNative.KeepPointer(0);
    }

    // SQLITE_STATIC: a string pinned for the "bind" call, kept by native code and read at "step".
    private static void StringKeptPastPin()
    {
        string sql = new('s', 50_000); // large object heap: stays where it was pinned
        using (Pin pin = Guard.Pin(sql))
        {
            TestNative.KeepPointer(pin.Pointer);
        }

        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
        TestNative.KeepPointer(0);
        GC.KeepAlive(sql);
    }

    private static void StringKeptPastPinOk()
    {
        string sql = new('s', 50_000);
        using NativeBuffer copy = NativeBuffer.FromString(sql);
        TestNative.KeepPointer(copy.Pointer);
        nint kept = TestNative.KeptPointer();
        Guard.Check(kept, 16);
        TestNative.Sum(kept, 16);
        TestNative.KeepPointer(0);
    }
}
