// ThreadCpuTime.cs: the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the validator's own work in a stop, on a machine shared with other jobs.
using System.Runtime.InteropServices;

namespace InteropGuard.Validator.Target;

/// <summary>CPU time of the calling thread in milliseconds. A sweep's pause is wall time, which on a loaded machine
/// mostly counts the time the validator waited for a core; the sweeping thread's CPU time is the work the pause is
/// made of (ClrMD, the DAC, the scan; the kernel's ptrace work for the thread is counted too).</summary>
internal static unsafe partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID (linux/time.h)

    public static double NowMs()
    {
        TimeSpec now;
        return ClockGetTime(ClockThreadCpuTimeId, &now) == 0 ? now.Seconds * 1e3 + now.Nanoseconds / 1e6 : 0;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
