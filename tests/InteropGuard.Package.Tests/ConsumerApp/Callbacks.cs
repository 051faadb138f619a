// A sorting tool with callbacks: libc's qsort calls a fresh comparison delegate during each call (correct: the
// marshaller keeps it alive for the call), with garbage collections in between. With the argument "keep" it also
// hands a delegate to a library that stores the function pointer in a C static (sample_keep) and then lets the
// delegate be collected: the bug InteropGuard must still find.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal unsafe delegate int Compare(int* a, int* b);

internal static unsafe class Native
{
    [DllImport("libc", EntryPoint = "qsort")]
    internal static extern void Sort(int* items, nuint count, nuint size, Compare compare);

    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void Keep(Compare compare);
}

internal static unsafe class Program
{
    private static int Main(string[] args)
    {
        int* items = stackalloc int[32];
        long checksum = 0;
        for (int round = 0; round < 20_000; round++)
        {
            for (int i = 0; i < 32; i++)
            {
                items[i] = (i * 7919 + round) % 101;
            }

            int direction = round % 2 == 0 ? 1 : -1;
            Native.Sort(items, 32, sizeof(int), (a, b) => direction * (*a - *b)); // a new delegate per call
            checksum += items[0];
            if (round % 1_000 == 0)
            {
                GC.Collect();
            }
        }

        if (args.Length > 0 && args[0] == "keep")
        {
            HandOver(); // BUG: the library keeps the function pointer, nothing keeps the delegate
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Console.WriteLine("checksum " + checksum);
        Console.WriteLine("done");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandOver()
    {
        int seed = Environment.TickCount;
        Native.Keep((a, b) => seed + *a - *b);
    }
}
