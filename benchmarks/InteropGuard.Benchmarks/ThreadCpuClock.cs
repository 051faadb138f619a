// ThreadCpuClock.cs - the calling thread's CPU time, which the CPU-time loops (--call-pin-cpu, --lifetime-cpu,
// --delegate-cpu) time their rounds with: on a loaded machine it moves far less than wall time.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.Benchmarks;

/// <summary><c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, called directly (not intercepted, no GC transition).</summary>
[NotIntercepted]
internal static unsafe partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>The calling thread's CPU time so far, in ns.</summary>
    public static long Ns()
    {
        TimeSpec now;
        _ = clock_gettime(ClockThreadCpuTimeId, &now);
        return (now.Seconds * 1_000_000_000L) + now.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [SuppressGCTransition]
    private static partial int clock_gettime(int clock, TimeSpec* time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
