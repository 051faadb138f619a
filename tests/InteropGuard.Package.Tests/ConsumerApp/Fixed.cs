// The same checksum tool with the bug fixed: the library reads the array during the call that pins it, and the pointer
// it keeps is cleared before the call returns (sample_keep(null)).
using System;
using System.Runtime.InteropServices;

internal static partial class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void Keep(byte[]? data);

    [LibraryImport("igsample", EntryPoint = "sample_sum")]
    internal static partial ulong Sum(byte[] data, nuint n);
}

internal static class Program
{
    private static int Main()
    {
        // Allocated here, as in Buggy.cs: an array a static readonly initializer stores lands on a frozen segment, which
        // never moves, so the program would not be the one it stands for.
        byte[] rows = new byte[64];
        rows.AsSpan().Fill(3);
        Console.WriteLine("sum " + Native.Sum(rows, 64));  // FIXED: read while the call pins the array
        Native.Keep(null);                                    // nothing kept past a call
        Console.WriteLine("done");
        return 0;
    }
}
