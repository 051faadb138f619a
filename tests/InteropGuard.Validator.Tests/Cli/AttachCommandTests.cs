// AttachCommandTests.cs: `interopguard attach` end to end: targets started through /bin/sh are swept by the tool once or with --watch;
// reports, summaries and exit codes (1 found, 0 clean, 2 error) follow.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Cli;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class AttachCommandTests
{
    private static string Pid(TargetChild target) => target.Pid.ToString(CultureInfo.InvariantCulture);

    [Test]
    public void Detects_BugTarget_ExitsOne_WithTheTargetsTextReport()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);

        CliResult result = CliChild.Run(["attach", Pid(target)]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        string[] report = result.Stdout.Split('\n');
        Assert.That(report[0], Is.EqualTo("================================================================="), result.ToString());
        Assert.That(report[1], Does.Match(@"^ERROR: InteropGuard: unpinned-managed-pointer on address 0x[0-9a-f]+ \[IG0006\]$"), result.ToString());
        Assert.That(report, Has.Some.Match($@"^  found by interopguard attach \(pid \d+\) in sweep 1 of process {target.Pid}$"), result.ToString());
        Assert.That(report, Has.Some.EqualTo("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_unpinned_managed_pointer=0"), result.ToString());
        Assert.That(report, Has.Some.StartsWith("SUMMARY: InteropGuard: unpinned-managed-pointer"), result.ToString());
        Assert.That(result.Headlines("unpinned-managed-pointer"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"interopguard: 1 violation (unpinned-managed-pointer x1) in process {target.Pid} (1 sweep, longest pause "), result.ToString());
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "the target runs on after the sweep");
    }

    [Test]
    public void Detects_IsOff_WithDetectOptionOfOptions()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);

        CliResult result = CliChild.Run(["attach", Pid(target), "--options", "detect_unpinned_managed_pointer=0"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Is.Empty, result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in process "), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("warning"), result.ToString());
    }

    [Test]
    public void BadOptions_WarnAsInTheProgram_AndKeepTheirDefaults()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);

        CliResult result = CliChild.Run(["attach", Pid(target), "--options", "detect_unpinned_managed_pointer=off:Detect_leaked_pin=1"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), "the check stays on: " + result);
        Assert.That(result.Stderr, Does.Contain("InteropGuard: warning: bad value 'off' for option detect_unpinned_managed_pointer; valid values: 0, 1, true, false; keeping detect_unpinned_managed_pointer=1"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("InteropGuard: warning: unknown option 'Detect_leaked_pin' in INTEROPGUARD_OPTIONS is ignored"), result.ToString());
    }

    [Test]
    public void Detects_IsOff_WithDetectOptionOfTheEnvironment()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);

        CliResult result = CliChild.Run(["attach", Pid(target)], options: "detect_unpinned_managed_pointer=0");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in process "), result.ToString());
    }

    [Test]
    public void Allows_SuppressionsOfOptions_SilenceTheFinding()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);
        string rules = Path.Combine(Path.GetTempPath(), "ig-cli-suppressions-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(rules, "# accepted: the test library's global\nunpinned-managed-pointer:libigtestnative.so\n");
        try
        {
            CliResult result = CliChild.Run(["attach", Pid(target), "--options", "suppressions=" + rules]);

            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Stdout, Is.Empty, result.ToString());
        }
        finally
        {
            File.Delete(rules);
        }
    }

    [Test]
    public void Allows_CorrectTarget_ExitsZero()
    {
        using TargetChild target = TargetChild.Start("poh", bug: false);

        CliResult result = CliChild.Run(["attach", Pid(target)]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Is.Empty, result.ToString());
        Assert.That(result.Stderr, Does.Contain($"interopguard: no violations in process {target.Pid} (1 sweep, longest pause "), result.ToString());
    }

    [Test]
    public void Detects_JsonToOut_OneLinePerFinding()
    {
        using TargetChild target = TargetChild.Start("use-after-free", bug: true);
        string path = Path.Combine(Path.GetTempPath(), "ig-cli-attach-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            CliResult result = CliChild.Run(["attach", Pid(target), "--report", "json", "--out", path]);

            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Stdout, Is.Empty, "the report went to --out\n" + result);
            string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
            Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
            using JsonDocument doc = JsonDocument.Parse(lines[0]);
            JsonElement v = doc.RootElement;
            Assert.That(v.GetProperty("kind").GetString(), Is.EqualTo("native-use-after-free"));
            Assert.That(v.GetProperty("id").GetString(), Is.EqualTo("IG0001"));
            Assert.That(v.GetProperty("foundBy").GetString(), Is.EqualTo("validator"));
            Assert.That(v.GetProperty("range").GetProperty("kind").GetString(), Is.EqualTo("native-block"));
            Assert.That(v.GetProperty("releaseSite").GetProperty("file").GetString(), Does.EndWith("Scenarios.cs"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Detects_SarifToStdout_ValidDocument()
    {
        using TargetChild target = TargetChild.Start("redzone", bug: true);

        CliResult result = CliChild.Run(["attach", Pid(target), "--report", "sarif"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Stdout);
        Assert.That(doc.RootElement.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        JsonElement only = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Single();
        Assert.That(only.GetProperty("properties").GetProperty("kind").GetString(), Is.EqualTo("native-buffer-overflow"));
    }

    [Test]
    public void Error_NotADotnetProcess_ExitsTwo()
    {
        // sleep runs under a shell, so it is not this test's child either.
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("sleep 60 & echo $!; wait");
        using Process shell = Process.Start(info)!;
        int sleep = int.Parse(shell.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        try
        {
            CliResult result = CliChild.Run(["attach", sleep.ToString(CultureInfo.InvariantCulture)]);

            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr, Does.Contain($"interopguard: process {sleep} (sleep) is not a .NET process"), result.ToString());
        }
        finally
        {
            Process.GetProcessById(sleep).Kill();
            shell.WaitForExit(10_000);
        }
    }

    [Test]
    public void Error_DotnetProcessWithoutInteropGuard_ExitsTwo()
    {
        // An idle `serve` is a .NET process that has not loaded libinteropguard.so (the tool never loads it).
        using ServeChild idle = ServeChild.Start(1, 0);

        CliResult result = CliChild.Run(["attach", idle.Process.Id.ToString(CultureInfo.InvariantCulture)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"has not loaded libinteropguard.so"), result.ToString());
    }

    [Test]
    public void Error_DeadProcess_ExitsTwo()
    {
        using Process gone = Process.Start("/bin/true")!;
        gone.WaitForExit();

        CliResult result = CliChild.Run(["attach", gone.Id.ToString(CultureInfo.InvariantCulture)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"process {gone.Id} does not exist"), result.ToString());
    }

    [Test]
    public void Error_BadArguments_ExitTwo()
    {
        Assert.That(CliChild.Run(["attach", "notapid"]).ExitCode, Is.EqualTo(2));
        Assert.That(CliChild.Run(["attach", "1", "--report", "xml"]).ExitCode, Is.EqualTo(2));
        CliResult interval = CliChild.Run(["attach", "1", "--watch", "--interval-ms", "0"]);
        Assert.That(interval.ExitCode, Is.EqualTo(2), interval.ToString());
        Assert.That(interval.Stderr, Does.Contain("--interval-ms must be a positive number"), interval.ToString());
    }

    [Test]
    public void Watch_ReportsEachFindingOnce_LogsPauses_AndStopsWhenTheTargetExits()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);
        using CliChild watch = CliChild.Start(["attach", Pid(target), "--watch", "--interval-ms", "100", "--verbose"]);
        watch.WaitForLine("SUMMARY: InteropGuard: unpinned-managed-pointer", onStderr: false);
        watch.WaitForLine("interopguard: sweep 3: pause ", onStderr: true);

        // The tool formats with InteropGuard.dll but never initialises the guard runtime: the native library is not loaded.
        string maps = File.ReadAllText("/proc/" + watch.Process.Id.ToString(CultureInfo.InvariantCulture) + "/maps");
        Assert.That(maps, Does.Contain("InteropGuard.dll"), "the runtime's assembly is loaded (its formatters are used)");
        Assert.That(maps, Does.Not.Contain("libinteropguard"), "GuardRuntime must not start in the tool");

        target.Dispose(); // "quit": the target exits
        CliResult result = watch.WaitForExit(60);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Headlines("unpinned-managed-pointer"), Is.EqualTo(1), "each finding is printed once over all sweeps\n" + result);
        Assert.That(result.Stderr, Does.Match(@"interopguard: 1 violation \(unpinned-managed-pointer x1\) in process \d+ \(\d+ sweeps, longest pause [0-9.]+ ms; the process exited\)"), result.ToString());
    }

    [Test]
    public void Watch_PrintsASiteOnce_CountsEveryFinding()
    {
        using TargetChild target = TargetChild.Start("same-site", bug: true);
        using CliChild watch = CliChild.Start(["attach", Pid(target), "--watch", "--interval-ms", "100", "--verbose"]);
        watch.WaitForLine("SUMMARY: InteropGuard: unpinned-managed-pointer", onStderr: false);
        watch.WaitForLine("interopguard: sweep 3: pause ", onStderr: true);

        target.Dispose();
        CliResult result = watch.WaitForExit(60);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Headlines("unpinned-managed-pointer"), Is.EqualTo(1), "three findings of one site: printed once\n" + result);
        Assert.That(result.Stderr, Does.Match(@"interopguard: 3 violations \(unpinned-managed-pointer x3\) in process \d+ \(\d+ sweeps, longest pause [0-9.]+ ms, 2 repeats of a printed site not shown; the process exited\)"), result.ToString());
    }

    [Test]
    public void Watch_SameSiteCorrectCode_Silent()
    {
        using TargetChild target = TargetChild.Start("same-site", bug: false);
        using CliChild watch = CliChild.Start(["attach", Pid(target), "--watch", "--interval-ms", "100", "--verbose"]);
        watch.WaitForLine("interopguard: sweep 3: pause ", onStderr: true);

        target.Dispose();
        CliResult result = watch.WaitForExit(60);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in process"), result.ToString());
    }

    // The tool starts with SIGINT's default disposition, as from a terminal: a test run started as a non-interactive
    // shell's background job ignores SIGINT, and the tool would inherit that (see the next test).
    [Test]
    public void Watch_StopsOnCtrlC_LeavingTheTargetRunning()
    {
        using TargetChild target = TargetChild.Start("poh", bug: false);
        using CliChild watch = CliChild.Start(["attach", Pid(target), "--watch", "--interval-ms", "50", "--verbose"], interruptIgnored: false);
        watch.WaitForLine("interopguard: sweep 2: pause ", onStderr: true);

        Signal("-INT", watch);

        CliResult result = watch.WaitForExit(30);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain("; stopped)"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("ignores SIGINT"), result.ToString());
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "Ctrl+C never leaves the target stopped");
        Thread.Sleep(200);
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True);
    }

    // Started ignoring SIGINT (a background job of a script), the tool cannot be stopped by Ctrl+C: it says so at the
    // start and names the signal that works, and SIGTERM ends the watch the same way.
    [Test]
    public void Watch_StartedIgnoringCtrlC_SaysSo_AndStopsOnSigterm()
    {
        using TargetChild target = TargetChild.Start("poh", bug: false);
        using CliChild watch = CliChild.Start(["attach", Pid(target), "--watch", "--interval-ms", "50", "--verbose"], interruptIgnored: true);
        watch.WaitForLine("interopguard: sweep 2: pause ", onStderr: true);

        Signal("-TERM", watch);

        CliResult result = watch.WaitForExit(30);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"interopguard: warning: this process ignores SIGINT (its parent started it so), so Ctrl+C will not stop the watch; stop it with SIGTERM (kill {watch.Process.Id})"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("; stopped)"), result.ToString());
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "SIGTERM never leaves the target stopped");
    }

    private static void Signal(string signal, CliChild child)
    {
        using Process kill = Process.Start("kill", [signal, child.Process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
