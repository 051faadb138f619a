// TargetChild.cs: runs one target program (tests/InteropGuard.ValidatorTargets) as a child process and steps it through its phases.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.TestSupport;

/// <summary>A running target: <see cref="Pid"/>, the table address of its last READY line, <see cref="Next"/> to move on.</summary>
internal sealed class TargetChild : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<string> _stderr = new();

    private TargetChild(Process process)
    {
        _process = process;
    }

    /// <summary>The target's pid (from its READY line; the direct child is the shell that runs it).</summary>
    public int Pid { get; private set; }

    public ulong Table { get; private set; }

    public bool HasExited => _process.HasExited;

    public static string TargetsDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "targets");

    /// <summary>Starts <paramref name="scenario"/> in mode bug or ok with INTEROPGUARD=<paramref name="mode"/> (1: the
    /// validator attaches from outside, as <c>interopguard attach</c> does) and the given options, and waits for READY.</summary>
    public static TargetChild Start(string scenario, bool bug, string? options = null, string mode = "1")
    {
        // Through /bin/sh, not as our own child: this process's SIGCHLD handling (System.Diagnostics.Process reaps its
        // children with waitpid) would otherwise take the ptrace-stop notifications ClrMD's attach waits for, and hang it.
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TargetsDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("dotnet \"$0\" \"$1\" \"$2\"; exit $?");
        info.ArgumentList.Add(Path.Combine(TargetsDirectory, "InteropGuard.ValidatorTargets.dll"));
        info.ArgumentList.Add(scenario);
        info.ArgumentList.Add(bug ? "bug" : "ok");
        info.Environment["INTEROPGUARD"] = mode;
        info.Environment["INTEROPGUARD_OPTIONS"] = options ?? "";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the target");
        var child = new TargetChild(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        child.WaitReady();
        return child;
    }

    /// <summary>Tells the target to go to its next phase and waits for READY.</summary>
    public void Next()
    {
        _process.StandardInput.WriteLine("next");
        _process.StandardInput.Flush();
        WaitReady();
    }

    /// <summary>True when the target answers "ping" within the timeout (it is running, not stopped).</summary>
    public bool Responds(TimeSpan timeout)
    {
        _process.StandardInput.WriteLine("ping");
        _process.StandardInput.Flush();
        _pendingRead ??= _process.StandardOutput.ReadLineAsync(); // a read that timed out before is still waiting
        if (!_pendingRead.Wait(timeout))
        {
            return false;
        }

        string? line = _pendingRead.Result;
        _pendingRead = null;
        return line == "pong";
    }

    private System.Threading.Tasks.Task<string?>? _pendingRead;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join("\n", _stderr);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(5000))
                {
                    Kill();
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }

    /// <summary>Kills the target (SIGKILL) and the shell around it.</summary>
    public void Kill()
    {
        try
        {
            if (Pid != 0)
            {
                Process.GetProcessById(Pid).Kill();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }

        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private void WaitReady()
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (DateTime.UtcNow < deadline)
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(deadline - DateTime.UtcNow))
            {
                break;
            }

            string? line = read.Result;
            if (line is null)
            {
                Thread.Sleep(100);
                Assert.Fail($"the target exited before READY (exit code {(_process.HasExited ? _process.ExitCode : -1)}); stderr:\n{Stderr}");
            }

            if (line!.StartsWith("READY ", StringComparison.Ordinal))
            {
                int pidAt = line.IndexOf("pid=", StringComparison.Ordinal) + 4;
                Pid = int.Parse(line.AsSpan(pidAt, line.IndexOf(' ', pidAt) - pidAt), NumberStyles.Integer, CultureInfo.InvariantCulture);
                int at = line.IndexOf("table=0x", StringComparison.Ordinal);
                Table = ulong.Parse(line.AsSpan(at + 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return;
            }
        }

        Assert.Fail("the target did not print READY within 30 s; stderr:\n" + Stderr);
    }
}
