// CliChild.cs: runs the `interopguard` tool (cli/InteropGuard.Cli.dll) as a child process and collects its exit code, stdout and stderr.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Cli;

/// <summary>One run of the tool. The tool is this test's child, the programs it sweeps are not (they are started through
/// /bin/sh, see TargetChild), so no process here attaches to its own child.</summary>
internal sealed class CliChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = new();
    private readonly List<string> _stderr = new();

    private CliChild(Process process)
    {
        _process = process;
    }

    public static string CliDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "cli", "InteropGuard.Cli.dll");

    public Process Process => _process;

    public string Stdout => Joined(_stdout);

    public string Stderr => Joined(_stderr);

    /// <summary>Starts <c>dotnet InteropGuard.Cli.dll args</c> with INTEROPGUARD_OPTIONS = <paramref name="options"/>, in the
    /// targets directory, stdin closed at once (a target run under `run` then exits after its first READY).</summary>
    /// <param name="interruptIgnored">null: the tool inherits this process's SIGINT disposition; false: it starts with
    /// the default (as from a terminal); true: ignoring SIGINT (as a non-interactive shell's background job does). Set
    /// through coreutils' <c>env</c>, which execs, so the child's pid is the tool's.</param>
    public static CliChild Start(IEnumerable<string> args, string options = "", bool? interruptIgnored = null)
    {
        var info = new ProcessStartInfo(interruptIgnored is null ? "dotnet" : "env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestSupport.TargetChild.TargetsDirectory,
        };
        if (interruptIgnored is bool ignored)
        {
            info.ArgumentList.Add(ignored ? "--ignore-signal=INT" : "--default-signal=INT");
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(CliDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("INTEROPGUARD");
        info.Environment["INTEROPGUARD_OPTIONS"] = options;
        var child = new CliChild(Process.Start(info) ?? throw new InvalidOperationException("could not start the tool"));
        child._process.OutputDataReceived += (_, e) => Add(child._stdout, e.Data);
        child._process.ErrorDataReceived += (_, e) => Add(child._stderr, e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        child._process.StandardInput.Close();
        return child;
    }

    /// <summary>Runs the tool to its end (fails the test after <paramref name="seconds"/>).</summary>
    public static CliResult Run(IEnumerable<string> args, string options = "", int seconds = 90)
    {
        using CliChild child = Start(args, options);
        return child.WaitForExit(seconds);
    }

    public CliResult WaitForExit(int seconds = 90)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            Kill();
            Assert.Fail($"the tool did not exit within {seconds} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        _process.WaitForExit(); // drains the asynchronous readers
        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>Waits until stderr or stdout has a line containing <paramref name="text"/>.</summary>
    public void WaitForLine(string text, bool onStderr, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if ((onStderr ? Stderr : Stdout).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                if ((onStderr ? Stderr : Stdout).Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                break;
            }

            Thread.Sleep(50);
        }

        Assert.Fail($"no line containing '{text}' within {seconds} s (exited: {_process.HasExited})\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }

    private static string Joined(List<string> lines)
    {
        lock (lines)
        {
            return string.Join("\n", lines.ToArray());
        }
    }
}
