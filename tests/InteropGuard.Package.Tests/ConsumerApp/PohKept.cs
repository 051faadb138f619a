// The checksum tool of Buggy.cs with its buffer on the pinned object heap: the library keeps a pointer into the array
// past the call and reads through it later, which is correct here (a POH array never moves and lives in a static).
// Plain P/Invoke through [DllImport] and [LibraryImport], no InteropGuard code.
using System;
using System.Runtime.InteropServices;

internal static partial class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void Keep(byte[] data);

    [LibraryImport("igsample", EntryPoint = "sample_kept")]
    internal static partial nint Kept();

    [LibraryImport("igsample", EntryPoint = "sample_sum")]
    internal static partial ulong Sum(nint p, nuint n);
}

internal static class Program
{
    private static readonly byte[] s_rows = GC.AllocateArray<byte>(64, pinned: true);

    private static int Main()
    {
        s_rows.AsSpan().Fill(3);
        Native.Keep(s_rows);                                  // OK: the library keeps a pointer into a POH array
        GC.Collect();
        Console.WriteLine("sum " + Native.Sum(Native.Kept(), 64));  // reads through it after the call: the array has not moved
        Console.WriteLine("done");
        return 0;
    }
}
