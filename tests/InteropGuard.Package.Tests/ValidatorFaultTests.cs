// ValidatorFaultTests.cs: fault injection into mode 2's validator in the middle of a sweep (SIGKILL, SIGSTOP): the
// program keeps running, finishes with its data intact and says once why the validator went away; without the stop
// deadline a stopped validator keeps the program stopped, which proves the deadline is what resumes it.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed partial class ValidatorFaultTests
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;
    private const string SoakSeconds = "8"; // long enough that the validator (a cold start of ~1 s) sweeps while the soak runs

    // Sweeps back to back, so a signal finds one in progress; the deadline short, so the test is.
    private const string Options = "validator_interval_ms=10:validator_timeout_ms=1000";

    [Test]
    public void Survives_ValidatorKilledMidSweep()
    {
        int validator = 0;

        (int exit, string output) = Run(Options, pid => validator = SignalMidSweep(pid, SigKill));

        AssertFinishedIntact(exit, output);
        Assert.That(Count(output, $"the validator (pid {validator}) stopped (it was killed by signal 9 (SIGKILL))"), Is.EqualTo(1), output);
        Assert.That(Count(output, "validation is off"), Is.EqualTo(1), "one message\n" + output);
    }

    [Test]
    public void Survives_ValidatorStoppedMidSweep_TheStopDeadlineKillsIt()
    {
        int validator = 0;

        (int exit, string output) = Run(Options, pid => validator = SignalMidSweep(pid, SigStop));

        AssertFinishedIntact(exit, output);
        Assert.That(output, Does.Contain($"the validator (pid {validator}) cannot go on: a sweep kept process "), output);
        Assert.That(output, Does.Contain("stopped longer than validator_timeout_ms (1000 ms): the validator (pid " + validator
            + ") was stopped or hung, so its stop sentinel killed it and resumed the process; validation is off"), output);
        Assert.That(Count(output, "validation is off"), Is.EqualTo(1), "one message\n" + output);
        Assert.That(Directory.Exists("/proc/" + validator) && State(validator) != 'Z', Is.False,
            "the validator was never continued: the sentinel killed it");
    }

    // The same stop with the deadline out of reach: the program stays stopped (all threads in tracing stop) until the
    // test continues the validator. Two seconds of it are checked (the soak's ticker then reports a stall that long);
    // with the 1000 ms deadline the sentinel ends it first.
    [Test]
    public void Stalls_ValidatorStoppedMidSweep_WithoutAReachableDeadline()
    {
        bool stayedStopped = false;

        (int exit, string output) = Run("validator_interval_ms=10:validator_timeout_ms=600000", pid =>
        {
            int validator = SignalMidSweep(pid, SigStop);
            stayedStopped = Enumerable.Range(0, 20).All(_ =>
            {
                Thread.Sleep(100);
                return AllThreadsTraced(pid);
            });
            _ = kill(validator, SigCont);
        });

        AssertFinishedIntact(exit, output);
        Assert.That(stayedStopped, Is.True, "without the deadline the stopped validator keeps the program stopped\n" + output);
        Assert.That(output, Does.Not.Contain("validation is off"), output);
    }

    private static (int ExitCode, string Output) Run(string options, Action<int> inject)
    {
        var environment = new Dictionary<string, string?> { ["INTEROPGUARD"] = "2", ["INTEROPGUARD_OPTIONS"] = options };
        (int exit, string output) = SoakApp.Build.RunApp("Debug", environment, inject, SoakApp.Timeout(8), SoakSeconds);
        TestContext.Out.WriteLine($"{options}: {SoakApp.Summary(output)}; {Regex.Match(output, "longest stall .*").Value}");
        return (exit, output);
    }

    private static void AssertFinishedIntact(int exit, string output)
    {
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("soak: data intact"), output);
        Assert.That(output, Does.Contain(" 0 checksum mismatches"), output);
    }

    /// <summary>Waits for the validator child of <paramref name="target"/> to stop it, and sends <paramref name="signal"/>
    /// to the validator while every thread of the target is in tracing stop (retried when the sweep ended first).
    /// Returns the validator's pid.</summary>
    private static int SignalMidSweep(int target, int signal)
    {
        DateTime giveUp = DateTime.UtcNow.AddSeconds(30);
        int validator = 0;
        while (DateTime.UtcNow < giveUp)
        {
            validator = validator != 0 ? validator : FindChild(target, "serve");
            if (validator == 0 || !AllThreadsTraced(target))
            {
                Thread.Sleep(1);
                continue;
            }

            if (signal != SigStop)
            {
                Assert.That(kill(validator, signal), Is.EqualTo(0));
                return validator;
            }

            Assert.That(kill(validator, SigStop), Is.EqualTo(0));
            Thread.Sleep(20);
            if (State(validator) == 'T' && AllThreadsTraced(target))
            {
                return validator; // stopped while the target is stopped
            }

            Assert.That(kill(validator, SigCont), Is.EqualTo(0)); // the sweep ended first: try the next one
        }

        Assert.Fail($"no sweep of process {target} caught within 30 s (validator pid {validator})");
        return 0;
    }

    /// <summary>The pid of a child of <paramref name="parent"/> whose command line contains <paramref name="word"/>, or 0.</summary>
    private static int FindChild(int parent, string word)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == parent.ToString(CultureInfo.InvariantCulture)
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(word, StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }

        return 0;
    }

    /// <summary>True when every thread of <paramref name="pid"/> is in tracing stop: the sweep's attach is complete.</summary>
    private static bool AllThreadsTraced(int pid)
    {
        try
        {
            string[] tasks = Directory.GetDirectories($"/proc/{pid}/task");
            return tasks.Length > 0 && tasks.All(t => State(pid, Path.GetFileName(t)) == 't');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The state letter of <paramref name="pid"/> (R, S, T stopped, t tracing stop, Z), or '?' when it is gone.</summary>
    private static char State(int pid, string? thread = null)
    {
        try
        {
            string path = thread is null ? $"/proc/{pid}/status" : $"/proc/{pid}/task/{thread}/status";
            Match m = Regex.Match(File.ReadAllText(path), @"^State:\s+(\S)", RegexOptions.Multiline);
            return m.Success ? m.Groups[1].Value[0] : '?';
        }
        catch (IOException)
        {
            return '?';
        }
    }

    private static int Count(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
