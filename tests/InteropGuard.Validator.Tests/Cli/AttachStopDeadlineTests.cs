// AttachStopDeadlineTests.cs: `interopguard attach` stopped (SIGSTOP) in the middle of a sweep: its stop sentinel kills
// it once the stop outlasts validator_timeout_ms, says why on the tool's stderr and resumes the target.
using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Cli;

public sealed partial class AttachStopDeadlineTests
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    [Test]
    public void Survives_ToolStoppedMidSweep_TheSentinelKillsItAndResumesTheTarget()
    {
        using TargetChild target = TargetChild.Start("poh", bug: false);
        using CliChild watch = CliChild.Start(["attach", target.Pid.ToString(CultureInfo.InvariantCulture), "--watch", "--interval-ms", "10"],
            options: "validator_timeout_ms=1000");
        int tool = watch.Process.Id;

        StopMidSweep(target.Pid, tool);
        CliResult result = watch.WaitForExit(60);

        Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain(
            $"InteropGuard validator: a sweep kept process {target.Pid} stopped longer than validator_timeout_ms (1000 ms): the validator (pid {tool}) was stopped or hung, so its stop sentinel killed it and resumed the process."),
            result.ToString());
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "the target runs on");
    }

    /// <summary>SIGSTOPs <paramref name="tool"/> while <paramref name="target"/> is in tracing stop (retried when the sweep ended first).</summary>
    private static void StopMidSweep(int target, int tool)
    {
        DateTime giveUp = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < giveUp)
        {
            if (State(target) != 't')
            {
                Thread.Sleep(1);
                continue;
            }

            Assert.That(kill(tool, SigStop), Is.Zero);
            Thread.Sleep(20);
            if (State(tool) == 'T' && State(target) == 't')
            {
                return;
            }

            Assert.That(kill(tool, SigCont), Is.Zero);
        }

        Assert.Fail($"no sweep of process {target} caught within 30 s");
    }

    private static char State(int pid)
    {
        try
        {
            Match m = Regex.Match(File.ReadAllText($"/proc/{pid}/status"), @"^State:\s+(\S)", RegexOptions.Multiline);
            return m.Success ? m.Groups[1].Value[0] : '?';
        }
        catch (IOException)
        {
            return '?';
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial int kill(int pid, int sig);
}
