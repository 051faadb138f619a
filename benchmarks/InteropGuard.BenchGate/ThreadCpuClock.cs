// ThreadCpuClock.cs - the clock the gate gives BenchmarkDotNet by default: CPU time of the calling thread
// (CLOCK_THREAD_CPUTIME_ID), so time the benchmark thread spends descheduled on a shared machine is not counted.
using System;
using System.Runtime.InteropServices;
using InteropGuard.Interception;
using Perfolizer.Horology;

namespace InteropGuard.BenchGate;

/// <summary>
/// A BenchmarkDotNet clock reading the measuring thread's CPU time in nanoseconds. The gate asks how much more work
/// release mode does per call; on a machine shared with other jobs, wall time also counts the time the benchmark thread
/// waited for a core, which changes between two measurements far more than 1 %. BenchmarkDotNet's in-process engine
/// reads the clock on the thread that runs the workload, and every gate workload is single-threaded, so the thread's
/// CPU time is the work measured. One timestamp is a system call (~0.3 µs), taken twice per iteration of ≥ 100 ms.
/// </summary>
internal sealed unsafe class ThreadCpuClock : IClock
{
    /// <summary>The one instance.</summary>
    public static readonly ThreadCpuClock Instance = new();

    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID (linux/time.h)

    private ThreadCpuClock()
    {
    }

    public string Title => "ThreadCpuTime";

    public bool IsAvailable
    {
        get
        {
            TimeSpec now;
            return OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, &now) == 0;
        }
    }

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        TimeSpec now;
        ClockGetTime(ClockThreadCpuTimeId, &now);
        return now.Seconds * 1_000_000_000L + now.Nanoseconds;
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
