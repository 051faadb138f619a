// ThreadStop.cs: one stop of every thread of the target (PTRACE_SEIZE + PTRACE_INTERRUPT, all threads interrupted before any is waited for) and its end (PTRACE_DETACH).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace InteropGuard.Validator.Target;

/// <summary>Every thread of the target stopped by this thread of the validator (ptrace: the thread that seized a tracee
/// is its tracer, so the stop, the register reads and the end must come from one thread: a sweep runs on one).
/// <para>Why not ClrMD's suspended attach: it attaches and waits thread by thread (one scheduling round trip each,
/// serial), and PTRACE_ATTACH queues a SIGSTOP that a validator killed before consuming it leaves pending, so the
/// target group-stops with nobody to resume it. Here each thread is seized (no signal), then every one is interrupted,
/// then each stop is collected: the threads stop in parallel, and a validator that dies at any point leaves nothing
/// behind (the kernel detaches a dead tracer and a seized thread runs on). A thread caught in a signal-delivery stop
/// gets its signal back at the end (the runtime's own signals, such as the GC's activation signal, must not be lost).
/// Threads created while the stop is being made are found by reading <c>/proc/&lt;pid&gt;/task</c> again until no new
/// thread appears (a stopped thread creates none).</para></summary>
internal sealed partial class ThreadStop : IDisposable
{
    private const int PtraceDetach = 17;
    private const int PtraceSeize = 0x4206;
    private const int PtraceInterrupt = 0x4207;
    private const int WaitAll = 0x40000000; // __WALL
    private const int Eperm = 1;
    private const int Eintr = 4;
    private const int MaxPasses = 100;

    private readonly List<(int Tid, int Signal)> _stopped = new();
    private bool _ended;

    private ThreadStop(int pid) => ProcessId = pid;

    /// <summary>The stopped process.</summary>
    public int ProcessId { get; }

    /// <summary>The threads stopped (OS thread ids).</summary>
    public int Count => _stopped.Count;

    /// <summary>Stops every thread of <paramref name="pid"/>. Throws <see cref="ValidatorException"/> when the process is
    /// gone or ptrace is refused; every thread already stopped is resumed first.</summary>
    public static ThreadStop Begin(int pid)
    {
        var stop = new ThreadStop(pid);
        try
        {
            stop.StopAll();
        }
        catch
        {
            stop.Dispose();
            throw;
        }

        return stop;
    }

    private void StopAll()
    {
        var seen = new HashSet<int>();
        var seized = new List<int>();
        int refused = 0, errno = 0;
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            seized.Clear();
            foreach (int tid in Threads(ProcessId))
            {
                if (!seen.Add(tid))
                {
                    continue;
                }

                if (ptrace(PtraceSeize, tid, 0, 0) < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    refused += errno == Eperm ? 1 : 0;
                    continue; // gone (ESRCH), or not ours to trace
                }

                if (ptrace(PtraceInterrupt, tid, 0, 0) < 0)
                {
                    ptrace(PtraceDetach, tid, 0, 0);
                    continue;
                }

                seized.Add(tid);
            }

            if (seized.Count == 0)
            {
                break; // no new thread: every thread there is is stopped
            }

            foreach (int tid in seized)
            {
                Collect(tid);
            }
        }

        if (_stopped.Count == 0)
        {
            if (!Directory.Exists("/proc/" + ProcessId.ToString(CultureInfo.InvariantCulture)))
            {
                throw new ValidatorException(ValidatorErrorKind.TargetUnavailable, $"process {ProcessId} exited.");
            }

            throw new ValidatorException(ValidatorErrorKind.AttachRefused, TargetProcess.AttachRefusedMessage(ProcessId,
                new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"PTRACE_SEIZE failed with errno {errno} on {refused} of {seen.Count} threads"))));
        }
    }

    /// <summary>Waits for the stop of one seized and interrupted thread and records what it needs at the end.</summary>
    private void Collect(int tid)
    {
        while (true)
        {
            int status = 0;
            int r = waitpid(tid, ref status, WaitAll);
            if (r < 0)
            {
                if (Marshal.GetLastPInvokeError() == Eintr)
                {
                    continue;
                }

                // No stop to collect (the thread is gone, or its notification was taken): it is still detached at the
                // end, so a thread that does stop for the interrupt is never left traced.
                _stopped.Add((tid, 0));
                return;
            }

            if ((status & 0xff) != 0x7f)
            {
                return; // exited or killed while being stopped
            }

            int signal = (status >> 8) & 0xff;
            int ptraceEvent = (status >> 16) & 0xff;

            // An event stop (the interrupt's, SIGTRAP | EVENT_STOP << 8; or a group stop, a stop signal | EVENT_STOP << 8,
            // which the kernel keeps after the detach): nothing to give back. No event: the thread stopped to receive
            // that signal, and gets it back at the detach.
            int giveBack = ptraceEvent == 0 ? signal : 0;
            _stopped.Add((tid, giveBack));
            return;
        }
    }

    /// <summary>The thread ids in <c>/proc/&lt;pid&gt;/task</c>; empty when the process is gone.</summary>
    private static List<int> Threads(int pid)
    {
        var tids = new List<int>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
                {
                    tids.Add(tid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone: no threads
        }

        return tids;
    }

    /// <summary>Resumes every thread (PTRACE_DETACH, with the signal a thread was about to receive).</summary>
    public void Dispose()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        foreach ((int tid, int signal) in _stopped)
        {
            ptrace(PtraceDetach, tid, 0, signal);
        }

        _stopped.Clear();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint ptrace(int request, int pid, nint address, nint data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, ref int status, int options);
}
