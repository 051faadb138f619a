// StopSentinel.cs: a tiny helper process that keeps the validator from holding its target stopped: it resumes the target
// when the validator dies, and kills a validator whose stop overruns validator_timeout_ms; started once per Sweeper.
using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using InteropGuard.Findings;

namespace InteropGuard.Validator.Target;

/// <summary>Makes sure the validator never leaves its target stopped, whether it dies, hangs or is stopped itself.
/// <para>The validator's own stop (<see cref="ThreadStop"/>: PTRACE_SEIZE + PTRACE_INTERRUPT) queues no signal, but
/// ClrMD's suspended attach (PTRACE_ATTACH per thread, the stop of a sweeper without a kept runtime) queues a SIGSTOP on
/// every thread and consumes it with waitpid. When the tracer is killed after the attach but before the stop was
/// consumed, the kernel detaches it and the SIGSTOP is delivered normally: the target enters group-stop and stays
/// stopped, all of its threads, with nobody to resume it (measured here: the usual case runs on, but under load the
/// window is hit). The sentinel is a shell blocked reading a
/// pipe whose only write end this process holds: when this process dies, for any reason, the kernel closes the pipe, the
/// read returns and the shell sends SIGCONT to the target. SIGCONT also discards a stop still pending, and is harmless to
/// a running process, so it is sent on an orderly exit too.</para>
/// <para>The hard deadline: a validator that is itself stopped (SIGSTOP, a debugger) or hung keeps the target
/// ptrace-stopped, and nothing inside either process can end that. So every stop is announced on the pipe
/// (<see cref="StopBegins"/>, <see cref="StopEnded"/>); when a stop lasts longer than the deadline the sentinel writes one
/// message (<see cref="StopNotice"/>), kills the validator with SIGKILL (the kernel detaches a dead tracer), waits until it
/// is gone and sends SIGCONT. The deadline needs bash (<c>read -t</c>); with only <c>/bin/sh</c> the sentinel still
/// resumes the target when the validator dies, and <see cref="Problem"/> says the deadline is not enforced.</para>
/// <para>The sentinel's own stdout and stderr are pipes of its own; for the notice it opens the validator's stdout
/// (protocol) or stderr (log) through <c>/proc</c>, so it holds the target's channel open only for as long as it lives,
/// which ends when the validator's pipe closes.</para></summary>
internal sealed class StopSentinel : IDisposable
{
    private const string Bash = "/bin/bash";

    // $1 target pid, $2 deadline in seconds, $3 notice fd path or "", $4 the notice. $PPID is the validator.
    // A "b" line starts a stop; the next line ("e") must come within the deadline; end of file ends the sentinel.
    private const string DeadlineScript =
        "t=$1; v=$PPID; exec 3>/dev/null; [ -n \"$3\" ] && { exec 3>>\"$3\"; } 2>/dev/null\n" +
        "while IFS= read -r c; do\n" +
        "  [ \"$c\" = b ] || continue\n" +
        "  IFS= read -r -t \"$2\" c; rc=$?\n" +
        "  if [ $rc -gt 128 ]; then\n" +
        "    printf '\\n%s\\n' \"$4\" >&3 2>/dev/null\n" +
        "    kill -KILL $v 2>/dev/null\n" +
        "    for i in $(seq 200); do s=$(sed -n 's/^State:[[:space:]]*\\([A-Za-z]\\).*/\\1/p' /proc/$v/status 2>/dev/null); { [ -z \"$s\" ] || [ \"$s\" = Z ]; } && break; sleep 0.01; done\n" +
        "    kill -CONT $t 2>/dev/null; exit 0\n" +
        "  fi\n" +
        "  [ $rc -eq 0 ] || break\n" +
        "done\n" +
        "kill -CONT $t 2>/dev/null\n";

    private static readonly byte[] Begin = "b\n"u8.ToArray();
    private static readonly byte[] End = "e\n"u8.ToArray();

    private readonly Process? _process;
    private readonly bool _deadline;

    private StopSentinel(Process? process, bool deadline)
    {
        _process = process;
        _deadline = deadline;
    }

    /// <summary>Starts the sentinel for <paramref name="targetPid"/>; never throws (without a shell there is no sentinel,
    /// and <see cref="Problem"/> says so).</summary>
    /// <param name="targetPid">The process the validator stops.</param>
    /// <param name="deadlineMs">The longest a stop may last (<c>validator_timeout_ms</c>); 0 = no deadline.</param>
    /// <param name="notice">Where the one message goes when the deadline kills the validator.</param>
    public static StopSentinel Start(int targetPid, int deadlineMs, StopNotice notice)
    {
        bool deadline = deadlineMs > 0 && File.Exists(Bash);
        var info = new ProcessStartInfo(deadline ? Bash : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        if (deadline)
        {
            info.ArgumentList.Add(DeadlineScript);
            info.ArgumentList.Add("stop-sentinel"); // $0
            info.ArgumentList.Add(targetPid.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add((deadlineMs / 1000.0).ToString("0.000", CultureInfo.InvariantCulture));
            int fd = notice == StopNotice.Protocol ? 1 : 2;
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/fd/{fd}"));
            info.ArgumentList.Add(NoticeText(targetPid, deadlineMs, notice));
        }
        else
        {
            // `read` returns at end of file: when the validator's end of the pipe closes.
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"while read line; do :; done; kill -CONT {targetPid} 2>/dev/null"));
        }

        try
        {
            SweepWarning? problem = deadline || deadlineMs <= 0 ? null : new NoSweepDeadlineWarning { Shell = Bash, TargetPid = targetPid };
            return new StopSentinel(Process.Start(info), deadline) { Problem = problem };
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return new StopSentinel(null, false) { Problem = new NoStopSentinelWarning { Error = e.Message } };
        }
    }

    /// <summary>What the sentinel cannot do (no sentinel, or no deadline), or null when it runs with its deadline.</summary>
    public SweepWarning? Problem { get; private init; }

    /// <summary>The message of a stop that overran <paramref name="deadlineMs"/>: a fatal <c>error</c> line for the
    /// protocol, a log line otherwise.</summary>
    public static string NoticeText(int targetPid, int deadlineMs, StopNotice notice)
    {
        string message = string.Create(CultureInfo.InvariantCulture,
            $"a sweep kept process {targetPid} stopped longer than validator_timeout_ms ({deadlineMs} ms): the validator (pid {Environment.ProcessId}) was stopped or hung, so its stop sentinel killed it and resumed the process");
        if (notice == StopNotice.Log)
        {
            return "InteropGuard validator: " + message + ".";
        }

        var json = new StringBuilder("{\"ev\":\"error\",\"fatal\":true,\"message\":");
        json.Append(System.Text.Json.JsonSerializer.Serialize(message));
        return json.Append('}').ToString();
    }

    /// <summary>Tells the sentinel that the target is about to be stopped; the deadline runs from here.</summary>
    public void StopBegins() => Say(Begin);

    /// <summary>Tells the sentinel that the target was resumed.</summary>
    public void StopEnded() => Say(End);

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

    private void Say(byte[] line)
    {
        if (!_deadline || _process is null)
        {
            return;
        }

        try
        {
            Stream pipe = _process.StandardInput.BaseStream;
            pipe.Write(line, 0, line.Length);
            pipe.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The sentinel is gone: the deadline is lost, the sweep goes on (Problem cannot change after start).
        }
    }
}
