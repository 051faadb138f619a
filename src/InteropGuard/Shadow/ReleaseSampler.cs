// ReleaseSampler.cs: release mode's choice of the 1 block in sample_rate that goes to the guarded pool, counted per thread in managed code so that every other allocation is NativeMemory's and nothing more.
using System;
using System.Runtime.CompilerServices;
using InteropGuard.Native;

namespace InteropGuard.Shadow;

/// <summary>Which managed allocations release mode samples into the guarded pool (docs/design/modes.md). Each thread
/// counts its own allocations: the first one, then every <c>sample_rate</c>-th (default 20000), is sampled, the way the
/// native allocator counts its callers' (the BenchGate showed a native call per allocation, just to count, costing
/// more than the 1 % budget on small-buffer churn). The rest cost a thread-static decrement on top of
/// <see cref="System.Runtime.InteropServices.NativeMemory"/>. Nothing is ever sampled outside release mode, with
/// <c>sample_rate=0</c>, or when the pool could not be reserved.</summary>
internal static class ReleaseSampler
{
    private static readonly int s_rate = ReadRate();

    [ThreadStatic]
    private static int t_countdown; // 0 on a new thread: its first allocation is sampled

    /// <summary>The effective rate: 1 in <see cref="Rate"/> allocations per thread is sampled; 0 = none.</summary>
    public static int Rate => s_rate;

    /// <summary>Counts one allocation of the calling thread; true when it is the one to sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Next() => --t_countdown <= 0 && Restart();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Restart()
    {
        if (s_rate <= 0)
        {
            t_countdown = int.MaxValue; // sampling off: back here after 2^31 allocations, to say no again
            return false;
        }

        t_countdown = s_rate;
        return true;
    }

    private static int ReadRate()
    {
        if (!GuardRuntime.Enabled || GuardRuntime.Mode != GuardMode.Release)
        {
            return 0;
        }

        (ulong lo, ulong hi) = GuardedPool.Bounds;
        if (hi <= lo)
        {
            return 0; // sample_rate=0, or the reservation failed (the native side warned)
        }

        long rate = IgNative.ig_option_int("sample_rate");
        return rate <= 0 ? 0 : (int)Math.Min(rate, int.MaxValue);
    }
}
