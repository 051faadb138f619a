// A checksum tool with a lifetime bug: it hands a managed array to a native library that keeps the pointer past the
// call (the marshaller pins the array only while the call runs), and still holds it when the program ends. Plain
// P/Invoke through [DllImport] and [LibraryImport], no InteropGuard code.
using System;
using System.Runtime.InteropServices;

internal static partial class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void Keep(byte[] data);

    [LibraryImport("igsample", EntryPoint = "sample_kept")]
    internal static partial nint Kept();
}

internal static class Program
{
    // Allocated in Main, not by a static readonly initializer: the JIT puts an array a static constructor stores in a
    // static readonly field on a frozen segment, where it never moves and a kept pointer is no bug.
    private static byte[] s_rows = [];

    private static int Main()
    {
        s_rows = new byte[64];
        s_rows.AsSpan().Fill(3);
        Native.Keep(s_rows);                                  // BUG: the library keeps a pointer into s_rows
        Console.WriteLine("kept " + (Native.Kept() != 0));    // the library still holds it after the pin ended
        Console.WriteLine("done");
        return 0;
    }
}
