// StopSentinel.cs: a tiny helper process that sends SIGCONT to the target if the validator dies, started once per
// Sweeper; it runs the whole life of the validator and does nothing unless the validator dies.
using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace InteropGuard.Validator.Target;

/// <summary>Makes sure a validator that dies never leaves its target stopped.
/// <para>ClrMD's suspended attach (PTRACE_ATTACH per thread) queues a SIGSTOP on every thread and consumes it with waitpid.
/// When the tracer is killed after the attach but before the stop was consumed, the kernel detaches it and the SIGSTOP is
/// delivered normally: the target enters group-stop and stays stopped, all of its threads, with nobody to resume it
/// (measured here: the usual case runs on, but under load the window is hit). The sentinel is <c>/bin/sh</c> blocked
/// reading a pipe whose only write end this process holds: when this process dies, for any reason, the kernel closes the
/// pipe, the read returns and the shell sends SIGCONT to the target. SIGCONT also discards a stop still pending, and is
/// harmless to a running process, so it is sent on an orderly exit too.</para>
/// <para>The sentinel's stdout and stderr are pipes of its own, so it never holds the validator's stdout (the target's
/// channel) open after the validator is gone.</para></summary>
internal sealed class StopSentinel : IDisposable
{
    private readonly Process? _process;

    private StopSentinel(Process? process) => _process = process;

    /// <summary>Starts the sentinel for <paramref name="targetPid"/>; never throws (without /bin/sh there is no sentinel,
    /// and <see cref="Problem"/> says so).</summary>
    public static StopSentinel Start(int targetPid)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        // `read` returns at end of file: when the validator's end of the pipe closes.
        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"read line; kill -CONT {targetPid} 2>/dev/null"));
        try
        {
            return new StopSentinel(Process.Start(info));
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return new StopSentinel(null) { Problem = "no stop sentinel (" + e.Message + "): if the validator dies during a sweep, resume the target with `kill -CONT <pid>`" };
        }
    }

    /// <summary>Why there is no sentinel, or null when it runs.</summary>
    public string? Problem { get; private init; }

    /// <summary>Ends the sentinel: closes the pipe (it sends its harmless SIGCONT and exits).</summary>
    public void Dispose()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
            _process.WaitForExit(1000);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone: nothing to end.
        }

        _process.Dispose();
    }
}
