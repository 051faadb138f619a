// RunCommandTests.cs: `interopguard run` end to end: a ValidatorTargets scenario runs in mode 2 under the tool, its own validator child
// (this tool's serve) sweeps it at exit, and run's summary, report file and exit code follow.
using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Cli;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class RunCommandTests() : ScratchDirectoryFixture("ig-cli-run-")
{
    /// <summary>run ... -- dotnet targets/InteropGuard.ValidatorTargets.dll scenario mode (the target exits after its first
    /// READY, because the tool's stdin, which it inherits, is closed: its exit sweep finds what the state holds).</summary>
    private static CliResult Run(string scenario, bool bug, string options = "", params string[] runOptions) =>
        CliChild.Run(["run", .. runOptions, "--", "dotnet", Path.Combine(TargetChild.TargetsDirectory, "InteropGuard.ValidatorTargets.dll"), scenario, bug ? "bug" : "ok"], options);

    [Test]
    public void Detects_BugScenario_ExitsOne_SummaryNamesTheKind_JsonReportHasTheFinding()
    {
        string report = Path.Combine(Dir, "report.json");

        CliResult result = Run("unpin", bug: true, "", "--report", "json", "--out", report);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: 1 violation (use-after-unpin x1) in dotnet "), result.ToString());
        Assert.That(result.Stderr, Does.Contain("unpin bug; program exit code 23; report: " + report), "the program itself fails on its findings (exit_code)\n" + result);
        Assert.That(result.Stderr, Does.Contain("ERROR: InteropGuard: use-after-unpin on address 0x"), "the program's own stderr (its text report) passes through\n" + result);
        Assert.That(result.Stderr, Does.Contain("found by the validator (pid "), "found by the program's validator child\n" + result);
        string[] lines = File.ReadAllLines(report).Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(lines[0]);
        Assert.That(doc.RootElement.GetProperty("kind").GetString(), Is.EqualTo("use-after-unpin"));
        Assert.That(doc.RootElement.GetProperty("foundBy").GetString(), Is.EqualTo("validator"));
        Assert.That(doc.RootElement.GetProperty("releaseSite").GetProperty("file").GetString(), Does.EndWith("Scenarios.cs"));
    }

    [Test]
    public void Detects_BugScenario_SarifReportIsAValidDocumentWithTheResult()
    {
        string report = Path.Combine(Dir, "report.sarif");

        CliResult result = Run("poh", bug: true, "", "--report", "sarif", "--out", report);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: 1 violation (unpinned-managed-pointer x1) in dotnet "), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        JsonElement run = root.GetProperty("runs").EnumerateArray().Single();
        Assert.That(run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString(), Is.EqualTo("InteropGuard"));
        JsonElement only = run.GetProperty("results").EnumerateArray().Single();
        Assert.That(only.GetProperty("ruleId").GetString(), Is.EqualTo("IG0006"));
        Assert.That(only.GetProperty("level").GetString(), Is.EqualTo("error"));
        Assert.That(only.GetProperty("properties").GetProperty("kind").GetString(), Is.EqualTo("unpinned-managed-pointer"));
        Assert.That(only.GetProperty("message").GetProperty("text").GetString(), Does.StartWith("ERROR: InteropGuard: unpinned-managed-pointer on address 0x"));
    }

    [Test]
    public void Detects_IsOff_WithDetectOption_UserOptionsPassThrough_RunOwnsReportPath()
    {
        string report = Path.Combine(Dir, "report.json");
        string elsewhere = Path.Combine(Dir, "theirs.json");

        CliResult result = Run("unpin", bug: true, "detect_use_after_unpin=0:report_path=" + elsewhere, "--report", "json", "--out", report);

        Assert.That(result.ExitCode, Is.EqualTo(0), "the user's detect_ option reached the program and its validator\n" + result);
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in dotnet "), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: warning: run owns report_path"), result.ToString());
        Assert.That(File.Exists(elsewhere), Is.False, result.ToString());
        Assert.That(File.ReadAllText(report), Is.Empty, "--out exists, empty, when nothing was found");
    }

    [Test]
    public void Allows_CorrectScenario_ExitsZero_NoViolations()
    {
        string report = Path.Combine(Dir, "report.sarif");

        CliResult result = Run("poh", bug: false, "", "--report", "sarif", "--out", report);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in dotnet "), result.ToString());
        Assert.That(result.Stderr, Does.Contain("program exit code 0"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("ERROR: InteropGuard:"), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.That(doc.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength(), Is.Zero, "an empty SARIF run says: checked, clean");
    }

    [Test]
    public void Detects_WithoutOut_JsonReportGoesToStdoutAfterTheProgram()
    {
        CliResult result = Run("use-after-free", bug: true, "", "--report", "json");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        string[] json = result.Stdout.Split('\n').Where(l => l.StartsWith('{')).ToArray();
        Assert.That(json, Has.Length.EqualTo(1), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(json[0]);
        Assert.That(doc.RootElement.GetProperty("kind").GetString(), Is.EqualTo("native-use-after-free"));
        Assert.That(result.Stdout.IndexOf("READY ", StringComparison.Ordinal), Is.LessThan(result.Stdout.IndexOf(json[0], StringComparison.Ordinal)),
            "the program's stdout passes through first\n" + result);
        Assert.That(result.Stderr, Does.Not.Contain("report: "), "no --out, no report file named\n" + result);
    }

    [Test]
    public void ProgramExitCode_PassesThrough_WhenNothingWasFound()
    {
        CliResult result = CliChild.Run(["run", "--", "/bin/sh", "-c", "exit 3"]);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: no violations in /bin/sh -c 'exit 3'; program exit code 3"), result.ToString());
    }

    [Test]
    public void ProgramEnvironment_IsModeTwo_WithThisToolAsValidator()
    {
        CliResult result = CliChild.Run(["run", "--", "/bin/sh", "-c", "echo \"mode=$INTEROPGUARD\"; echo \"options=$INTEROPGUARD_OPTIONS\""], "verbosity=1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=2"), result.ToString());
        string options = result.Stdout.Split('\n').Single(l => l.StartsWith("options=", StringComparison.Ordinal))["options=".Length..];
        Assert.That(options, Does.StartWith("verbosity=1:report_path=/"), result.ToString());
        Assert.That(options, Does.Contain(":report_format=json:validator_path=" + CliChild.CliDll), result.ToString());
    }

    [Test]
    public void SigtermToRun_IsPassedToTheProgram_AndTheSummaryFollows()
    {
        using CliChild run = CliChild.Start(["run", "--", "/bin/sh", "-c", "trap 'kill $!; echo got term; exit 5' TERM; sleep 60 & echo started; wait"]);
        run.WaitForLine("started", onStderr: false);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", run.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            kill.WaitForExit();
        }

        CliResult result = run.WaitForExit(30);
        Assert.That(result.ExitCode, Is.EqualTo(5), result.ToString());
        Assert.That(result.Stdout, Does.Contain("got term"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("program exit code 5"), result.ToString());
    }

    [Test]
    public void Error_CommandThatCannotStart_ExitsTwo()
    {
        CliResult result = CliChild.Run(["run", "--", "/nonexistent/program"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: cannot start '/nonexistent/program'"), result.ToString());
    }

    [Test]
    public void Error_NoCommand_ExitsTwo()
    {
        CliResult result = CliChild.Run(["run", "--report", "json"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("interopguard: see 'interopguard run --help'"), result.ToString());
    }
}
