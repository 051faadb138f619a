// A release build's canary: it pins an array through InteropGuard's Guard.Pin and hands the pin's address to a plain C
// library through [DllImport]. "bug" uses the address after disposing the pin; "fixed" (the nearest correct code) uses
// it while the pin is live. Built Release with -p:InteropGuardRelease=true: light wrappers, release mode by default.
using System;
using System.Runtime.InteropServices;
using InteropGuard;

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong Sum(nint p, nuint n);
}

internal static class Program
{
    private static int Main(string[] args)
    {
        // Allocated here, as in Buggy.cs: an array a static readonly initializer stores lands on a frozen segment, which
        // never moves, so the program would not be the one it stands for.
        byte[] rows = new byte[64];
        rows.AsSpan().Fill(3);
        Console.WriteLine("mode " + Guard.Mode);
        try
        {
            if (args.Length > 0 && args[0] == "fixed")
            {
                using Pin pin = Guard.Pin(rows);
                Console.WriteLine("sum " + Native.Sum(pin.Pointer, 64));   // FIXED: read while the pin is live
            }
            else
            {
                Pin pin = Guard.Pin(rows);
                pin.Dispose();
                Console.WriteLine("sum " + Native.Sum(pin.Pointer, 64));   // BUG: the pin was disposed
            }
        }
        catch (InteropViolationException e)
        {
            Console.WriteLine("caught " + e.Violation.KindName);
        }

        Console.WriteLine("done");
        return 0;
    }
}
