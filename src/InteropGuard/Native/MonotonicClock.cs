// MonotonicClock.cs: the clock native range times use (CLOCK_MONOTONIC_COARSE), read by the runtime and the validator when a report, a handle free or a sweep needs "now".
using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Nanoseconds on the clock of <c>ig_range_t.alloc_time_ns/release_time_ns</c>. The native library stamps
/// ranges with CLOCK_MONOTONIC_COARSE (one scheduler tick of resolution, ~5 ns a read); comparing those stamps with the
/// fine clock would overstate every "freed N ms before" by up to a tick, so the runtime and the validator (another
/// process; the clock is system-wide) read the same clock through this class. Public for the validator.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class MonotonicClock
{
    private const int ClockMonotonicCoarse = 6;

    // Whether libc's clock_gettime can be called, learnt once: the read itself then sits outside any try block, where
    // the JIT calls the function directly instead of through a marshalling stub.
    private static readonly bool s_available = OperatingSystem.IsLinux() && Probe();

    /// <summary>CLOCK_MONOTONIC_COARSE in ns; the fine monotonic clock (Stopwatch) where it cannot be read. Never 0 on
    /// Linux; cheap (a vDSO read, ~5 ns).</summary>
    public static unsafe ulong NowNs()
    {
        if (s_available)
        {
            TimeSpec ts;
            if (clock_gettime(ClockMonotonicCoarse, &ts) == 0)
            {
                return (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds;
            }
        }

        return FineNs();
    }

    private static ulong FineNs()
    {
        long ticks = Stopwatch.GetTimestamp();
        return Stopwatch.Frequency == 1_000_000_000 ? (ulong)ticks : (ulong)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
    }

    private static unsafe bool Probe()
    {
        try
        {
            TimeSpec ts;
            return clock_gettime(ClockMonotonicCoarse, &ts) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // A vDSO read that never blocks: no GC transition (it was ~15 ns of a ~5 ns read, on every handle free).
    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [SuppressGCTransition]
    private static unsafe partial int clock_gettime(int clock, TimeSpec* time);
}
