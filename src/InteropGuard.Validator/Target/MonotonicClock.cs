// MonotonicClock.cs: CLOCK_MONOTONIC in nanoseconds, the clock the shadow table stamps ranges with (system-wide, so the validator can read it too).
using System.Runtime.InteropServices;

namespace InteropGuard.Validator.Target;

/// <summary>The system's monotonic clock, shared by every process on the machine.</summary>
internal static partial class MonotonicClock
{
    private const int ClockMonotonic = 1;

    public static ulong NowNs()
    {
        Timespec ts;
        return clock_gettime(ClockMonotonic, out ts) == 0 ? (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds : 0;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clock, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
