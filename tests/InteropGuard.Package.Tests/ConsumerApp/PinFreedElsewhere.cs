// A tool that pins its buffer with a GCHandle on the main thread and frees the handle on a worker thread (the
// completion of an asynchronous job, a common split in I/O code). With the argument "bug" the main thread then passes
// the buffer's old address to a later call (use-after-unpin: the array may have moved); without it, the later call
// passes the array itself, which the marshaller pins for the call. Plain P/Invoke into Debian's zlib, no InteropGuard
// code.
using System;
using System.Runtime.InteropServices;
using System.Threading;

internal static class Native
{
    [DllImport("libz.so.1", EntryPoint = "crc32")]
    internal static extern nuint Crc32(nuint crc, nint p, uint n);

    [DllImport("libz.so.1", EntryPoint = "crc32")]
    internal static extern nuint Crc32Array(nuint crc, byte[] p, uint n);
}

internal static class Program
{
    private static int Main(string[] args)
    {
        bool bug = args.Length > 0 && args[0] == "bug";
        byte[] rows = new byte[64];
        rows.AsSpan().Fill(3);
        GCHandle pin = GCHandle.Alloc(rows, GCHandleType.Pinned);
        nint p = pin.AddrOfPinnedObject();
        Console.WriteLine("crc " + Native.Crc32(0, p, 64));
        var completion = new Thread(() => pin.Free());
        completion.Start();
        completion.Join();
        nuint again = bug
            ? Native.Crc32(0, p, 64) // BUG: the pin ended on the other thread
            : Native.Crc32Array(0, rows, 64); // FIXED: the marshaller pins the array for this call
        Console.WriteLine("again " + again);
        GC.KeepAlive(rows);
        Console.WriteLine("done");
        return 0;
    }
}
