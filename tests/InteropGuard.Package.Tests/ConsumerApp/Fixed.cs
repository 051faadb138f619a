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
    private static readonly byte[] s_rows = new byte[64];

    private static int Main()
    {
        s_rows.AsSpan().Fill(3);
        Console.WriteLine("sum " + Native.Sum(s_rows, 64));  // FIXED: read while the call pins the array
        Native.Keep(null);                                    // nothing kept past a call
        Console.WriteLine("done");
        return 0;
    }
}
