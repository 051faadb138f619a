// A tool that pins its buffer with a GCHandle for one native call, frees the handle, and later passes the buffer's old
// address to another call. The buffer is on the pinned object heap (`GC.AllocateArray(..., pinned: true)`), which
// never moves, so the later call is correct; with the argument "bug" the buffer is an ordinary array, whose address
// is no longer its own once the pin ends (use-after-unpin). Plain P/Invoke, no InteropGuard code.
using System;
using System.Runtime.InteropServices;

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong Sum(nint p, nuint n);
}

internal static class Program
{
    private static int Main(string[] args)
    {
        byte[] rows = args.Length > 0 && args[0] == "bug" ? new byte[64] : GC.AllocateArray<byte>(64, pinned: true);
        rows.AsSpan().Fill(3);
        GCHandle pin = GCHandle.Alloc(rows, GCHandleType.Pinned);
        nint p = pin.AddrOfPinnedObject();
        Console.WriteLine("sum " + Native.Sum(p, 64));
        pin.Free();
        Console.WriteLine("again " + Native.Sum(p, 64)); // OK on the POH; BUG for an ordinary array
        GC.KeepAlive(rows);
        Console.WriteLine("done");
        return 0;
    }
}
