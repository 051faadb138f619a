// LifetimeCpuLoops.cs - `--lifetime-cpu`: the explicit lifetime objects against what they replace, as loops timed in
// the measuring thread's CPU time (a loaded machine moves wall time far more than the difference), the two sides of
// each pair alternating in one process.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.Benchmarks;

/// <summary>
/// Each pair is an InteropGuard object and the .NET object it replaces, doing one life cycle per operation:
/// <c>Guard.Pin</c> + <c>Release</c> (and + <c>Dispose</c>) against a pinned <c>GCHandle</c> alloc + free; the same
/// GCHandle calls made directly, so the generator's pinned-handle interceptor tracks them, against the delegate calls;
/// <c>CheckedHandle</c> alloc, cookie, resolve, free against the same with <c>GCHandle</c>;
/// <c>GuardedArrayPool&lt;byte&gt;.Shared</c> rent + return (256 B) against <c>ArrayPool&lt;byte&gt;.Shared</c>.
/// A round runs every side of every pair once, <see cref="Operations"/> operations each, in alternating order; the first
/// two rounds warm up (tier-1 code) and are not kept. Prints each side's median ns of thread CPU time per operation and
/// the ratio of the medians. Run with <c>INTEROPGUARD=1</c> (the mode is printed; mode 0 makes both sides .NET's).
/// </summary>
internal static unsafe class LifetimeCpuLoops
{
    private const int Operations = 300_000;

    // The .NET sides call GCHandle.Alloc and Free through delegates: this project runs InteropGuard's generator, which
    // intercepts GCHandle.Alloc/Free call sites (to track pinned handles as pins), and the baseline must be .NET's own.
    private static readonly Func<object?, GCHandleType, GCHandle> s_alloc = GCHandle.Alloc;
    private static readonly FreeHandle s_free = (FreeHandle)Delegate.CreateDelegate(typeof(FreeHandle), typeof(GCHandle).GetMethod(nameof(GCHandle.Free))!);

    private static readonly byte[] s_array = new byte[256];
    private static readonly object s_target = new();
    private static object? s_sink;

    /// <summary>Runs <paramref name="rounds"/> rounds of the pairs whose name contains <paramref name="only"/> (empty:
    /// every pair) and prints the table; returns 0.</summary>
    public static int Run(int rounds, string only)
    {
        (string Name, Action Guarded, string BaselineName, Action Baseline)[] pairs =
        [
            ("Guard.Pin(byte[256]) + Release()", PinRelease, "pinned GCHandle alloc + free", PinnedGCHandle),
            ("Guard.Pin(byte[256]) + Dispose()", PinDispose, "pinned GCHandle alloc + free", PinnedGCHandle),
            ("tracked pinned GCHandle alloc + free (the generator's interceptor)", TrackedPinnedGCHandle, "pinned GCHandle alloc + free", PinnedGCHandle),
            ("CheckedHandle alloc, cookie, resolve, free", CheckedHandleLife, "GCHandle alloc, cookie, resolve, free", GCHandleLife),
            ("GuardedArrayPool<byte>.Shared rent + return (256 B)", GuardedPool, "ArrayPool<byte>.Shared rent + return", SharedPool),
        ];
        pairs = pairs.Where(p => p.Name.Contains(only, StringComparison.Ordinal)).ToArray();
        var samples = pairs.Select(_ => (Guarded: new List<double>(), Baseline: new List<double>())).ToArray();
        for (int round = 0; round < rounds + 2; round++)
        {
            for (int p = 0; p < pairs.Length; p++)
            {
                bool guardedFirst = (round + p) % 2 == 0;
                double first = Time(guardedFirst ? pairs[p].Guarded : pairs[p].Baseline);
                double second = Time(guardedFirst ? pairs[p].Baseline : pairs[p].Guarded);
                if (round >= 2)
                {
                    samples[p].Guarded.Add(guardedFirst ? first : second);
                    samples[p].Baseline.Add(guardedFirst ? second : first);
                }
            }
        }

        Console.WriteLine(FormattableString.Invariant($"mode {Guard.Mode}, {rounds} rounds of {Operations} operations per side, thread CPU ns per operation (median; min … max)"));
        Console.WriteLine("| operation | InteropGuard ns | replaced .NET object | .NET ns | ratio |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        for (int p = 0; p < pairs.Length; p++)
        {
            double g = Median(samples[p].Guarded);
            double b = Median(samples[p].Baseline);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {pairs[p].Name} | {g:F0} ({samples[p].Guarded.Min():F0} … {samples[p].Guarded.Max():F0}) | {pairs[p].BaselineName} | {b:F0} ({samples[p].Baseline.Min():F0} … {samples[p].Baseline.Max():F0}) | {g / b:F2}× |"));
        }

        GC.KeepAlive(s_sink);
        return 0;
    }

    private static double Time(Action body)
    {
        long start = ThreadCpuClock.Ns();
        body();
        return (ThreadCpuClock.Ns() - start) / (double)Operations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PinRelease()
    {
        for (int i = 0; i < Operations; i++)
        {
            Pin pin = Guard.Pin(s_array);
            pin.Release();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PinDispose()
    {
        for (int i = 0; i < Operations; i++)
        {
            using Pin pin = Guard.Pin(s_array);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PinnedGCHandle()
    {
        for (int i = 0; i < Operations; i++)
        {
            GCHandle handle = s_alloc(s_array, GCHandleType.Pinned);
            s_free(ref handle);
        }
    }

    // A direct call: intercepted by the generator as in every Debug build of a project that references InteropGuard.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TrackedPinnedGCHandle()
    {
        for (int i = 0; i < Operations; i++)
        {
            GCHandle handle = GCHandle.Alloc(s_array, GCHandleType.Pinned);
            handle.Free();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckedHandleLife()
    {
        for (int i = 0; i < Operations; i++)
        {
            CheckedHandle handle = CheckedHandle.Alloc(s_target);
            nint cookie = handle.ToIntPtr();
            s_sink = CheckedHandle.FromIntPtr(cookie).Target;
            handle.Free();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GCHandleLife()
    {
        for (int i = 0; i < Operations; i++)
        {
            GCHandle handle = s_alloc(s_target, GCHandleType.Normal);
            nint cookie = GCHandle.ToIntPtr(handle);
            s_sink = GCHandle.FromIntPtr(cookie).Target;
            s_free(ref handle);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GuardedPool()
    {
        GuardedArrayPool<byte> pool = GuardedArrayPool<byte>.Shared;
        for (int i = 0; i < Operations; i++)
        {
            byte[] array = pool.Rent(256);
            pool.Return(array);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SharedPool()
    {
        ArrayPool<byte> pool = ArrayPool<byte>.Shared;
        for (int i = 0; i < Operations; i++)
        {
            byte[] array = pool.Rent(256);
            pool.Return(array);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private delegate void FreeHandle(ref GCHandle handle);
}
