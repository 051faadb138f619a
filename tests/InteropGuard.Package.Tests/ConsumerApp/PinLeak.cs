// A tool that pins a buffer with a GCHandle for native code and keeps the handle in a static that nothing ever frees:
// the buffer stays pinned (and alive) until the process ends. The analyzers cannot see that (the handle has an owner);
// the exit sweep can. Plain GCHandle and [DllImport], no InteropGuard code.
using System;
using System.Runtime.InteropServices;

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong Sum(nint p, nuint n);
}

internal static class Program
{
    private static GCHandle s_rows;

    private static int Main()
    {
        byte[] rows = new byte[256];
        rows.AsSpan().Fill(1);
        s_rows = GCHandle.Alloc(rows, GCHandleType.Pinned); // BUG: never freed
        Console.WriteLine("sum " + Native.Sum(s_rows.AddrOfPinnedObject(), 256));
        Console.WriteLine("done");
        return 0;
    }
}
