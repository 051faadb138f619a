// The same checksum tool with the bug fixed: the library reads the array while it is pinned for the call.
using System;
using System.Runtime.InteropServices;

internal static unsafe partial class Native
{
    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong SumLegacy(byte[] data, nuint n);

    [LibraryImport("igsample", EntryPoint = "sample_sum")]
    internal static partial ulong Sum(byte[] data, nuint n);
}

internal static class Program
{
    private static int Main()
    {
        int failures = 0;
        try
        {
            var rows = new byte[64];
            rows.AsSpan().Fill(3);
            Console.WriteLine(Native.Sum(rows, 64));          // FIXED: read during the call that pins it
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("caught " + e.GetType().Name);
        }

        try
        {
            var header = new byte[32];
            Console.WriteLine(Native.SumLegacy(header, 32));  // FIXED: same, through a [DllImport]
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("caught " + e.GetType().Name);
        }

        Console.WriteLine("done, " + failures + " calls failed");
        return 0;
    }
}
