// The same tool freeing its pinned GCHandle (kept in a static) once native code is done with the buffer.
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
        s_rows = GCHandle.Alloc(rows, GCHandleType.Pinned);
        Console.WriteLine("sum " + Native.Sum(s_rows.AddrOfPinnedObject(), 256));
        s_rows.Free(); // FIXED: the pin ends when native code is done
        Console.WriteLine("done");
        return 0;
    }
}
