// Soak.cs: a correct interop program under load, the stress test's consumer app: 8 threads of native buffers, pins,
// P/Invokes with arrays, qsort with a call-scoped callback, checked handles and pooled arrays, with forced GCs, every
// result checked against a checksum. `Consumer <seconds>` runs that long and prints the totals; any report is a false one.
using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard;

internal static unsafe partial class Native
{
    [LibraryImport("igsample", EntryPoint = "sample_sum")]
    internal static partial ulong Sum(byte[] data, nuint n);

    [LibraryImport("igsample", EntryPoint = "sample_sum")]
    internal static partial ulong SumAt(nint p, nuint n);

    // qsort calls the comparer only during the call: the delegate is call-scoped.
    [DllImport("libc.so.6", EntryPoint = "qsort")]
    internal static extern void Sort(int[] items, nuint count, nuint size, Compare compare);
}

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal unsafe delegate int Compare(int* a, int* b);

internal static unsafe class Program
{
    private const int Threads = 8;
    private static long s_rounds;
    private static long s_mismatches;
    private static long s_gcs;
    private static double s_longestStallMs;

    private static int Main(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var stop = Stopwatch.StartNew();
        var pool = GuardedArrayPool<byte>.Create(maxArrayLength: 1 << 16, maxArraysPerBucket: 16);
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int seed = t;
            workers[t] = new Thread(() => Work(seed, pool, stop, seconds)) { Name = "soak " + t };
            workers[t].Start();
        }

        var collector = new Thread(() => Collect(stop, seconds)) { Name = "soak gc" };
        collector.Start();
        var ticker = new Thread(() => Tick(stop, seconds)) { Name = "soak ticker", IsBackground = true };
        ticker.Start();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        collector.Join();
        ticker.Join();
        Console.WriteLine($"soak: {Threads} threads, {s_rounds} rounds, {s_gcs} forced GCs, {s_mismatches} checksum mismatches, {Guard.ReportCount} reports");
        Console.WriteLine($"soak: longest stall {s_longestStallMs:F1} ms");
        Console.WriteLine(s_mismatches == 0 ? "soak: data intact" : "soak: DATA DAMAGED");
        return 0;
    }

    private static void Collect(Stopwatch stop, double seconds)
    {
        var rng = new Random(100);
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            Thread.Sleep(rng.Next(20, 80));
            GC.Collect(rng.Next(0, 3), GCCollectionMode.Forced, blocking: true, compacting: true);
            Interlocked.Increment(ref s_gcs);
        }
    }

    // The longest time a thread that wakes every 5 ms went without running: sweeps stop the whole program.
    private static void Tick(Stopwatch stop, double seconds)
    {
        double last = stop.Elapsed.TotalMilliseconds;
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            Thread.Sleep(5);
            double now = stop.Elapsed.TotalMilliseconds;
            s_longestStallMs = Math.Max(s_longestStallMs, now - last);
            last = now;
        }
    }

    private static void Work(int seed, GuardedArrayPool<byte> pool, Stopwatch stop, double seconds)
    {
        var rng = new Random(seed);
        object[] garbage = new object[64]; // survivors the GC has to move
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            garbage[rng.Next(garbage.Length)] = new byte[rng.Next(16, 2048)];
            NativeBuffers(rng);
            ArraysAndPins(rng);
            SortWithCallback(rng);
            Handles(rng);
            Pooled(rng, pool);
            Interlocked.Increment(ref s_rounds);
        }

        GC.KeepAlive(garbage);
    }

    private static void Expect(bool ok)
    {
        if (!ok)
        {
            Interlocked.Increment(ref s_mismatches);
        }
    }

    private static void NativeBuffers(Random rng)
    {
        int length = rng.Next(16, 65536);
        byte value = (byte)rng.Next(1, 256);
        using NativeBuffer buffer = NativeBuffer.Allocate(length);
        buffer.Span.Fill(value);
        Expect(Native.SumAt(buffer.Pointer, (nuint)length) == (ulong)length * value);
    }

    private static void ArraysAndPins(Random rng)
    {
        var data = new byte[rng.Next(1, 4096)];
        rng.NextBytes(data);
        ulong expected = 0;
        foreach (byte b in data)
        {
            expected += b;
        }

        Expect(Native.Sum(data, (nuint)data.Length) == expected); // pinned by the marshaller for the call
        using Pin pin = Guard.Pin(data);
        Expect(Native.SumAt(pin.Pointer, (nuint)data.Length) == expected);
    }

    private static void SortWithCallback(Random rng)
    {
        var items = new int[rng.Next(2, 512)];
        long sum = 0;
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = rng.Next();
            sum += items[i];
        }

        int comparisons = 0;
        Compare compare = (a, b) => // a new delegate per call (it captures the counter), collected soon after
        {
            comparisons++;
            return (*a).CompareTo(*b);
        };
        Native.Sort(items, (nuint)items.Length, sizeof(int), compare);
        GC.KeepAlive(compare); // alive across the call: the only time qsort calls it
        Expect(comparisons >= items.Length - 1);
        for (int i = 0; i < items.Length; i++)
        {
            sum -= items[i];
            Expect(i == 0 || items[i - 1] <= items[i]);
        }

        Expect(sum == 0);
    }

    private static void Handles(Random rng)
    {
        var payload = new int[] { rng.Next() };
        CheckedHandle handle = CheckedHandle.Alloc(payload);
        nint cookie = handle.ToIntPtr(); // what native code would carry as its context pointer
        Expect(ReferenceEquals(CheckedHandle.FromIntPtr(cookie).Target, payload));
        handle.Free();
    }

    private static void Pooled(Random rng, GuardedArrayPool<byte> pool)
    {
        int length = rng.Next(1, 1 << 16);
        byte[] array = pool.Rent(length);
        byte value = (byte)rng.Next(1, 256);
        array.AsSpan(0, length).Fill(value);
        Expect(Native.Sum(array, (nuint)length) == (ulong)length * value);
        pool.Return(array);
    }
}
