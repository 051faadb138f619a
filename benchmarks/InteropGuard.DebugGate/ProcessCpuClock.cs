// ProcessCpuClock.cs - CPU time of the whole side process (CLOCK_PROCESS_CPUTIME_ID), read around every iteration: the
// work of the measured thread and of whatever InteropGuard runs beside it (the validator channel's reader, GC and JIT
// threads), without the time the process waits for a core on a shared machine.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.DebugGate;

/// <summary>The process's CPU time in nanoseconds (one system call, ~0.3 µs).</summary>
internal static unsafe class ProcessCpuClock
{
    private const int ClockProcessCpuTimeId = 2; // CLOCK_PROCESS_CPUTIME_ID (linux/time.h)

    /// <summary>CPU time used by all threads of this process so far.</summary>
    public static long Nanoseconds()
    {
        TimeSpec now;
        return ClockGetTime(ClockProcessCpuTimeId, &now) == 0
            ? now.Seconds * 1_000_000_000L + now.Nanoseconds
            : throw new InteropGuard.BenchGate.GateSetupException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [NotIntercepted]
    [DllImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, TimeSpec* time);
}
