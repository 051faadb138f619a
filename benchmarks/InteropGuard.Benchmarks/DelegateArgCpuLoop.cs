// DelegateArgCpuLoop.cs - `--delegate-cpu`: the raw and the intercepted P/Invoke with a delegate argument (InterceptBenchmarks'
// pair, and the same with a fresh delegate per call) in one process, rounds alternating, in thread CPU time, then each step
// of a call-scoped callback's Enter and Exit timed alone in a loop of its own, so the interceptor's cost over the raw call
// can be broken down. Run with INTEROPGUARD=1.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Callbacks;
using InteropGuard.Handles;
using InteropGuard.Interception;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>Prints the median (and minimum) ns per call of the raw and the intercepted call with the same delegate every
/// time (as in the benchmark) and with a fresh one per call (the qsort-with-a-lambda pattern), then of each step. The steps run alone, so they need not add up to the difference exactly: a step inside the interceptor shares caches and branch history with the others. Last, the median
/// (and minimum) over the rounds of the intercepted call's time less the raw call's time in the same round.</summary>
internal static unsafe partial class DelegateArgCpuLoop
{
    private static readonly GuardedCallSite s_site = new("DelegateArgCpuLoop.Steps", "DelegateArgCpuLoop.cs", 1, "RawNative.Keep(NativeCallback callback)");

    /// <param name="calls">Calls per round and step.</param>
    /// <param name="rounds">Rounds counted (after two warm-up rounds).</param>
    /// <param name="pairsOnly">Only the two raw/intercepted pairs, not the steps.</param>
    public static int Run(int calls, int rounds, bool pairsOnly)
    {
        NativeCallback callback = static _ => { };
        var steps = new (string Name, Func<NativeCallback, int, long> Loop)[]
        {
            ("raw P/Invoke (delegate)", RawLoop),
            ("intercepted (delegate)", InterceptedLoop),
            ("raw P/Invoke (a fresh delegate per call)", RawFreshLoop),
            ("intercepted (a fresh delegate per call)", InterceptedFreshLoop),
            ("step: EnterCallback + ExitCallback", EnterExitLoop),
            ("step: Target is CallbackTrampoline", TrampolineTestLoop),
            ("step: CallbackRegistry.IdOf (CWT lookup)", RegistryLoop),
            ("step: GetFunctionPointerForDelegate", FunctionPointerLoop),
            ("step: site.CallbackSlot(0)", SlotLookupLoop),
            ("step: Lock enter + exit", LockLoop),
            ("step: ig_pin_register_callback + ig_range_release", NativePairLoop),
            ("step: the pair + PinLogHandles.SlotRetagged", NativePairRetagLoop),
            ("step: weak GCHandle.Target write", WeakWriteLoop),
            ("step: weak GCHandle.Target read", WeakReadLoop),
        };
        if (pairsOnly)
        {
            steps = steps[..4];
        }

        var samples = new List<double>[steps.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            samples[s] = [];
        }

        long sink = 0;
        for (int r = -2; r < rounds; r++) // two warm-up rounds reach Tier 1
        {
            for (int s = 0; s < steps.Length; s++)
            {
                double a = ThreadCpuClock.Ns();
                sink += steps[s].Loop(callback, calls);
                double b = ThreadCpuClock.Ns();
                if (r >= 0)
                {
                    samples[s].Add((b - a) / calls);
                }
            }
        }

        var diffs = new List<double>();
        var freshDiffs = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            diffs.Add(samples[1][r] - samples[0][r]); // the two sides run next to each other in every round
            freshDiffs.Add(samples[3][r] - samples[2][r]);
        }

        freshDiffs.Sort();
        diffs.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode {Environment.GetEnvironmentVariable("INTEROPGUARD") ?? "(default)"}, {rounds} rounds x {calls} calls, thread CPU ns per call, median (min) (checksum {sink % 10})"));
        for (int s = 0; s < steps.Length; s++)
        {
            samples[s].Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{steps[s].Name,-52} {samples[s][samples[s].Count / 2],7:F1} ({samples[s][0],6:F1})"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"intercepted - raw, same round",-52} {diffs[diffs.Count / 2],7:F1} ({diffs[0],6:F1})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"intercepted - raw, same round, fresh delegates",-52} {freshDiffs[freshDiffs.Count / 2],7:F1} ({freshDiffs[0],6:F1})"));
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RawLoop(NativeCallback callback, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            RawNative.Keep(callback);
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long InterceptedLoop(NativeCallback callback, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            GuardedNative.Keep(callback);
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RawFreshLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            int k = i; // captured per iteration: a new closure, delegate and marshalling stub every call
            RawNative.Keep(v => sum += v + k);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long InterceptedFreshLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            int k = i;
            GuardedNative.Keep(v => sum += v + k);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long EnterExitLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            ulong id = GuardedCall.EnterCallback(callback, s_site, 0);
            GuardedCall.ExitCallback(id, s_site);
            sum += (long)(id & 1);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long TrampolineTestLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            sum += Volatile.Read(ref callback).Target is CallbackTrampoline ? 1 : 0;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RegistryLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            sum += (long)CallbackRegistry.IdOf(callback);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long FunctionPointerLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            sum += Marshal.GetFunctionPointerForDelegate(callback);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long SlotLookupLoop(NativeCallback callback, int calls)
    {
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            sum += s_site.CallbackSlot(0) is null ? 1 : 0;
        }

        return sum;
    }

    private static readonly Lock s_gate = new();
    private static long s_counter;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long LockLoop(NativeCallback callback, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            lock (s_gate)
            {
                s_counter++;
            }
        }

        return s_counter;
    }

    private static readonly ulong s_cell = (ulong)NativeMemory.AllocZeroed(16);

    // The bindings are called as the runtime calls them, without an interceptor's check of the entry pointer.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [NotIntercepted]
    private static long NativePairLoop(NativeCallback callback, int calls)
    {
        void* entry = (void*)Marshal.GetFunctionPointerForDelegate(callback);
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            ulong id;
            _ = InterceptionNative.PinRegisterCallback(entry, IgConstants.FlagCallScoped, 0, s_cell, &id);
            _ = InterceptionNative.RangeRelease(id, 0, null);
            sum += (long)(id & 1);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [NotIntercepted]
    private static long NativePairRetagLoop(NativeCallback callback, int calls)
    {
        void* entry = (void*)Marshal.GetFunctionPointerForDelegate(callback);
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            ulong id;
            _ = InterceptionNative.PinRegisterCallback(entry, IgConstants.FlagCallScoped, 0, s_cell, &id);
            PinLogHandles.SlotRetagged(id);
            _ = InterceptionNative.RangeRelease(id, 0, null);
            sum += (long)(id & 1);
        }

        return sum;
    }

    private static GCHandle s_weak = GCHandle.Alloc(null, GCHandleType.Weak);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long WeakWriteLoop(NativeCallback callback, int calls)
    {
        GCHandle weak = s_weak;
        for (int i = 0; i < calls; i++)
        {
            weak.Target = callback;
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long WeakReadLoop(NativeCallback callback, int calls)
    {
        GCHandle weak = s_weak;
        long sum = 0;
        for (int i = 0; i < calls; i++)
        {
            sum += ReferenceEquals(weak.Target, callback) ? 1 : 0;
        }

        return sum;
    }
}
