// A checksum tool with a lifetime bug: it hands a managed array to a native library that keeps the pointer past the
// call, then asks the library to read through the kept pointer later. Plain P/Invoke, no InteropGuard code.
using System;
using System.Runtime.InteropServices;

internal static unsafe partial class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void KeepLegacy(byte[] data);

    [LibraryImport("igsample", EntryPoint = "sample_keep")]
    internal static partial void Keep(byte[] data);

    [LibraryImport("igsample", EntryPoint = "sample_kept")]
    internal static partial nint Kept();

    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong Sum(nint p, nuint n);
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
            Native.Keep(rows);                        // the library keeps a pointer into 'rows'; the pin ends with the call
            Console.WriteLine(Native.Sum(Native.Kept(), 64));   // BUG (LibraryImport): reads through the kept pointer
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("caught " + e.GetType().Name);
        }

        try
        {
            var header = new byte[32];
            Native.KeepLegacy(header);
            Console.WriteLine(Native.Sum(Native.Kept(), 32));   // BUG (DllImport): same, through a [DllImport]
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
