// ValidatorChildProcessTests.cs - mode 2 end to end: a scenario process starts a fake validator (validator_path), asks
// it for sweeps and reports what it finds; misbehaving validators (exit mid-sweep, silence, garbage, fatal error,
// missing) each cost one warning while the program finishes with exit 0, its data intact and boundary checks on.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

public sealed class ValidatorChildProcessTests
{
    private const string StoppedTail = "; validation is off, call-boundary checks continue";

    private static int Count(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    private static void AssertFinishedIntact(ChildResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("data intact"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("DATA DAMAGED"), result.ToString());
    }

    [Test]
    public void Detects_FindingOfADemandSweep_IsReportedAndReturned()
    {
        using var fake = FakeValidator.WithFinding();

        ChildResult result = fake.Run("validate");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 1 [unpinned-managed-pointer]"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("validate 1 evidence: " + FakeValidator.Evidence), result.ToString());
        Assert.That(result.Stdout, Does.Contain("event: unpinned-managed-pointer fromValidator=True"), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(1), "the same finding twice is printed once (dedupe_reports=1)\n" + result);
    }

    [Test]
    public void Detects_Finding_TextReportGolden()
    {
        int validateLine = ScenarioLine("private static void Validate()", "Guard.Validate();");
        using var fake = FakeValidator.WithFinding();

        ChildResult result = fake.Run("validate");

        ReportText report = ReportText.Parse(result.Stderr).Single();
        string[] expected =
        [
            "ERROR: InteropGuard: unpinned-managed-pointer on address 0x7f1c2a4b0010 [IG0006]",
            FakeValidator.Evidence,
            "@^  found by the validator \\(pid \\d+\\) in sweep 1, asked for by Guard\\.Validate in (\\S+\\.)?Validate  ValidationScenarios\\.cs:" + validateLine + "$",
            "Held in:",
            "  8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) (the word at 0x5581e2b0a008)",
            "Holding block allocated by:",
            "  #0 Demo.Keep  Demo.cs:42",
            "Object:",
            "  System.Byte[] (1048 bytes) at 0x7f1c2a4b0000; the pointer is 16 bytes into it",
            "HINT: keep the array pinned with a GCHandle (GCHandleType.Pinned) or Guard.Pin(...).RetainedByNative() until native code lets go of the pointer, or copy the data into a NativeBuffer.",
            "HINT: the scan is conservative: if the word is not really a pointer, silence it with INTEROPGUARD_OPTIONS=suppressions=FILE and the line unpinned-managed-pointer:Demo.Keep in FILE",
            "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_unpinned_managed_pointer=0",
            "SUMMARY: InteropGuard: unpinned-managed-pointer Demo.cs:42 in Demo.Keep",
        ];
        Assert.That(report.Lines, Has.Count.EqualTo(expected.Length), result.ToString());
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i].StartsWith('@')) Assert.That(report.Lines[i], Does.Match(expected[i][1..]), $"line {i}\n{result}");
            else Assert.That(report.Lines[i], Is.EqualTo(expected[i]), $"line {i}\n{result}");
        }
    }

    [Test]
    public void Detects_Finding_JsonReportFile()
    {
        using var fake = FakeValidator.WithFinding();
        string path = Path.Combine(fake.Directory, "report.json");

        ChildResult result = fake.Run("validate", $"report_format=json:report_path={path}");

        AssertFinishedIntact(result);
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(lines[0]);
        JsonElement o = doc.RootElement;
        Assert.That(o.GetProperty("kind").GetString(), Is.EqualTo("unpinned-managed-pointer"));
        Assert.That(o.GetProperty("id").GetString(), Is.EqualTo("IG0006"));
        Assert.That(o.GetProperty("address").GetString(), Is.EqualTo("0x7f1c2a4b0010"));
        Assert.That(o.GetProperty("foundBy").GetString(), Is.EqualTo("validator"));
        Assert.That(o.GetProperty("evidence").GetString(), Is.EqualTo(FakeValidator.Evidence));
        Assert.That(o.GetProperty("description").GetString(), Is.EqualTo(FakeValidator.Evidence));
        Assert.That(o.GetProperty("accessSite").ValueKind, Is.EqualTo(JsonValueKind.Null));
        JsonElement holder = o.GetProperty("holder");
        Assert.That(holder.GetProperty("kind").GetString(), Is.EqualTo("native-block"));
        Assert.That(holder.GetProperty("address").GetString(), Is.EqualTo("0x5581e2b0a008"));
        Assert.That(holder.GetProperty("start").GetString(), Is.EqualTo("0x5581e2b0a000"));
        Assert.That(holder.GetProperty("size").GetInt64(), Is.EqualTo(64));
        Assert.That(holder.GetProperty("offset").GetInt64(), Is.EqualTo(8));
        Assert.That(holder.GetProperty("site").GetProperty("member").GetString(), Is.EqualTo("Demo.Keep"));
        Assert.That(holder.GetProperty("site").GetProperty("file").GetString(), Is.EqualTo("/src/Demo.cs"));
        Assert.That(holder.GetProperty("site").GetProperty("line").GetInt32(), Is.EqualTo(42));
        JsonElement obj = o.GetProperty("object");
        Assert.That(obj.GetProperty("type").GetString(), Is.EqualTo("System.Byte[]"));
        Assert.That(obj.GetProperty("address").GetString(), Is.EqualTo("0x7f1c2a4b0000"));
        Assert.That(obj.GetProperty("size").GetInt64(), Is.EqualTo(1048));
        Assert.That(obj.GetProperty("offset").GetInt64(), Is.EqualTo(16));
    }

    [Test]
    public void Allows_DetectOff_SilencesTheFinding()
    {
        using var fake = FakeValidator.WithFinding();

        ChildResult result = fake.Run("validate", "detect_unpinned_managed_pointer=0");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("event:"), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
        Assert.That(fake.LogText, Does.Contain("out: {\"ev\":\"finding\""), "the fake did send the finding; the option silenced it");
    }

    [Test]
    public void Allows_SuppressedByHolderSite()
    {
        using var fake = FakeValidator.WithFinding();
        string rules = Path.Combine(fake.Directory, "suppressions.txt");
        File.WriteAllText(rules, "unpinned-managed-pointer:Demo.Keep\n");

        ChildResult result = fake.Run("validate", "suppressions=" + rules);

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Detects_HaltOnError_EndsTheProcessAtTheFinding()
    {
        using var fake = FakeValidator.WithFinding();

        ChildResult result = fake.Run("validate", "halt_on_error=1");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitAborted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("ERROR: InteropGuard: unpinned-managed-pointer on address 0x7f1c2a4b0010 [IG0006]"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("halt_on_error=1: aborting"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("validate 1:"), "nothing runs after the report\n" + result);
    }

    [Test]
    public void LaunchContract_ServeArguments_ChildEnvironment_AndHello()
    {
        using var fake = FakeValidator.With();

        ChildResult result = fake.Run("validate", "verbosity=0");

        AssertFinishedIntact(result);
        string log = fake.LogText;
        Match args = Regex.Match(log, @"^args: serve --pid (\d+) --table (0x[0-9a-f]+)$", RegexOptions.Multiline);
        Assert.That(args.Success, Is.True, log);
        Assert.That(int.Parse(args.Groups[1].Value), Is.EqualTo(result.ProcessId), log);
        Assert.That(log, Does.Contain("env INTEROPGUARD=0\n"), "the validator never guards itself\n" + log);
        Assert.That(log, Does.Contain("env INTEROPGUARD_OPTIONS=validator_path=" + fake.Script + ":exit_code=0:verbosity=0\n"), log);
        Assert.That(log, Does.Contain($"in: {{\"op\":\"hello\",\"pid\":{result.ProcessId},\"table\":\"{args.Groups[2].Value}\"}}"), log);
        Assert.That(log, Does.Contain("in: {\"op\":\"sweep\",\"id\":1,\"reason\":\"demand\"}"), log);
        Assert.That(log, Does.Contain("in: {\"op\":\"sweep\",\"id\":2,\"reason\":\"demand\"}"), log);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, "a healthy validator with nothing to report says nothing\n" + result);
    }

    [Test]
    public void ExitSweep_IsSent_ThenStdinCloses()
    {
        using var fake = FakeValidator.With();

        ChildResult result = fake.Run("validator_idle");

        AssertFinishedIntact(result);
        Assert.That(File.Exists(fake.ExitMarker), Is.True, "no sweep with reason exit arrived\n" + fake.LogText);
        Assert.That(File.ReadAllText(fake.ExitMarker), Is.EqualTo("exit sweep 1\n"));
        Assert.That(fake.LogText, Does.EndWith("eof\n"), "the child saw end of file after the exit sweep\n" + fake.LogText);
    }

    [Test]
    public void ExitSweep_FindingIsReported_WhenItsCheckIsOn()
    {
        const string leak = "say '{\"ev\":\"finding\",\"shape\":\"pin-alive-at-exit\",\"sweep\":'$id',\"kind\":\"leaked-pin\",\"address\":\"0x7f0000001000\",\"size\":0,"
            + "\"rangeId\":\"0x100000003\",\"rangeKind\":\"managed-pin\",\"rangeStart\":\"0x7f0000001000\",\"rangeSize\":64,"
            + "\"allocSite\":{\"function\":\"Demo.Hold\",\"file\":\"/src/Demo.cs\",\"line\":7},"
            + "\"ageNs\":1500000000}'";
        using var fake = FakeValidator.With(onSweep: "if [ \"$reason\" = exit ]; then " + leak + "; fi; " + FakeValidator.Swept);

        ChildResult off = fake.Run("validator_idle", "detect_leaked_pin=0");
        ChildResult on = fake.Run("validator_idle");

        AssertFinishedIntact(off);
        Assert.That(ReportText.CountHeadlines(off.Stderr), Is.Zero, "detect_leaked_pin=0 silences it\n" + off);
        AssertFinishedIntact(on);
        ReportText report = ReportText.Parse(on.Stderr).Single();
        Assert.That(report.Headline, Is.EqualTo("ERROR: InteropGuard: leaked-pin on address 0x7f0000001000 [IG0013]"));
        Assert.That(report.Location, Is.EqualTo(
            "a pin of 64 bytes [0x7f0000001000, 0x7f0000001040) made at Demo.cs:7 is still alive at exit (1500 ms old); forgot to Dispose() the pin or Free() the GCHandle?"));
        Assert.That(report.Lines[2], Does.Match(@"^  found by the validator \(pid \d+\) in sweep \d+ \(the exit sweep\)$"));
        Assert.That(report.After("Range:"), Is.EqualTo("  a 64-byte pinned managed range [0x7f0000001000, 0x7f0000001040)"));
        Assert.That(report.After("Pinned by:"), Is.EqualTo("  #0 Demo.Hold  Demo.cs:7"));
        Assert.That(report.Summary, Is.EqualTo("SUMMARY: InteropGuard: leaked-pin Demo.cs:7 in Demo.Hold"));
    }

    // exit_code: unset in mode 2 it is 23, applied after the exit sweep (whose finding must already count).
    private const string ExitLeak = "say '{\"ev\":\"finding\",\"sweep\":'$id',\"kind\":\"leaked-pin\",\"address\":\"0x7f0000001000\",\"size\":0,"
        + "\"rangeStart\":\"0x7f0000001000\",\"rangeSize\":64,\"evidence\":\"a 64-byte pin is still alive at exit.\"}'";

    [Test]
    public void Detects_AFindingOfTheExitSweep_MakesTheProcessExit23()
    {
        using var fake = FakeValidator.With(onSweep: "if [ \"$reason\" = exit ]; then " + ExitLeak + "; fi; " + FakeValidator.Swept);

        ChildResult result = fake.Run("validator_idle", "exit_code=23");
        ChildResult unset = fake.Run("validator_idle", "", more: new Dictionary<string, string?> { ["INTEROPGUARD_OPTIONS"] = "validator_path=" + fake.Script });

        Assert.That(result.ExitCode, Is.EqualTo(23), result.ToString());
        Assert.That(result.Stderr, Does.Contain("InteropGuard: 1 report(s) in this process: exit code 23 instead of 0."), result.ToString());
        Assert.That(unset.ExitCode, Is.EqualTo(23), "23 is mode 2's default\n" + unset);
    }

    [Test]
    public void Detects_NothingChangesTheExitCode_WhenTheExitSweepFindingIsOff()
    {
        using var fake = FakeValidator.With(onSweep: "if [ \"$reason\" = exit ]; then " + ExitLeak + "; fi; " + FakeValidator.Swept);

        ChildResult result = fake.Run("validator_idle", "exit_code=23:detect_leaked_pin=0");

        AssertFinishedIntact(result);
        Assert.That(result.Stderr, Does.Not.Contain("instead of 0"), result.ToString());
    }

    [Test]
    public void Allows_ACleanRun_KeepsExitCodeZero_InMode2()
    {
        using var fake = FakeValidator.With();

        ChildResult result = fake.Run("validator_idle", "", more: new Dictionary<string, string?> { ["INTEROPGUARD_OPTIONS"] = "validator_path=" + fake.Script });

        AssertFinishedIntact(result);
        Assert.That(result.Stderr, Does.Not.Contain("instead of 0"), result.ToString());
    }

    [Test]
    public void TimerSweepFinding_IsReportedWithoutAnyDemand()
    {
        string timer = "say '{\"ev\":\"finding\",\"sweep\":0,\"kind\":\"use-after-unpin\",\"address\":\"0x7f0000002010\","
            + "\"holder\":\"native-block\",\"holderAddress\":\"0x5581e2b0b000\",\"holderStart\":\"0x5581e2b0b000\",\"holderSize\":16,"
            + "\"holderSite\":{\"function\":\"Demo.Store\",\"file\":\"/src/Demo.cs\",\"line\":9},"
            + "\"rangeKind\":\"managed-pin\",\"rangeStart\":\"0x7f0000002000\",\"rangeSize\":256,"
            + "\"allocSite\":{\"function\":\"Demo.Pin\",\"file\":\"/src/Demo.cs\",\"line\":5},"
            + "\"releaseSite\":{\"function\":\"Demo.Unpin\",\"file\":\"/src/Demo.cs\",\"line\":6},\"sinceReleaseMs\":12.5}'; "
            + "say '{\"ev\":\"swept\",\"id\":0,\"reason\":\"timer\",\"findings\":1}'";
        using var fake = FakeValidator.With(onHello: FakeValidator.Ready + "; " + timer);

        ChildResult result = fake.Run("validate");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("event: use-after-unpin fromValidator=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), "a timer finding belongs to no demand sweep\n" + result);
        ReportText report = ReportText.Parse(result.Stderr).Single();
        Assert.That(report.Headline, Is.EqualTo("ERROR: InteropGuard: use-after-unpin on address 0x7f0000002010 [IG0005]"));
        Assert.That(report.Location, Is.EqualTo("The word at 0x5581e2b0b000 (0 bytes into a 16-byte native block [0x5581e2b0b000, 0x5581e2b0b010)) holds 0x7f0000002010, which points 16 bytes into a 256-byte pinned managed range [0x7f0000002000, 0x7f0000002100) that was released 12.5 ms before the sweep."));
        Assert.That(report.Lines[2], Does.Match(@"^  found by the validator \(pid \d+\) in a timer sweep$"), "the fake validator sends no sweep number");
        Assert.That(report.After("Pinned by:"), Is.EqualTo("  #0 Demo.Pin  Demo.cs:5"));
        Assert.That(report.After("Released by:"), Is.EqualTo("  #0 Demo.Unpin  Demo.cs:6"));
        Assert.That(report.Summary, Is.EqualTo("SUMMARY: InteropGuard: use-after-unpin Demo.cs:9 in Demo.Store"));
    }

    [Test]
    public void Fault_ValidatorExitsMidSweep_OneWarning_ProgramContinues()
    {
        using var fake = FakeValidator.With(onSweep: "exit 3");

        ChildResult result = fake.Run("validate");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("validate 2: 0 []"), result.ToString());
        Assert.That(Count(result.Stderr, "InteropGuard: warning: the validator (pid "), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"InteropGuard: warning: the validator \(pid \d+\) stopped \(it exited with code 3\)" + Regex.Escape(StoppedTail)), result.ToString());
        Assert.That(Count(result.Stderr, "Guard.Validate: the validator is not running"), Is.EqualTo(1), "the second Validate warns once\n" + result);
    }

    [Test]
    public void Fault_ValidatorExitsMidSweep_BoundaryChecksContinue()
    {
        using var fake = FakeValidator.With(onSweep: "exit 3");

        ChildResult result = fake.Run("validate_then_check");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("boundary check: native-use-after-free"), result.ToString());
        Assert.That(Count(result.Stderr, "stopped (it exited with code 3)"), Is.EqualTo(1), result.ToString());
    }

    [Test]
    public void Fault_ValidatorNeverAnswers_TimesOut_IsKilled_ProgramContinues()
    {
        using var fake = FakeValidator.With(onSweep: "echo $$ > '" + "PIDFILE" + "'");
        string pidFile = Path.Combine(fake.Directory, "pid");
        File.WriteAllText(fake.Script, File.ReadAllText(fake.Script).Replace("PIDFILE", pidFile, StringComparison.Ordinal));

        ChildResult result = fake.Run("validate_then_check", "validator_timeout_ms=1000");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("boundary check: native-use-after-free"), result.ToString());
        Assert.That(Count(result.Stderr, "InteropGuard: warning: the validator (pid "), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("stopped (no answer to sweep 1 within 1000 ms (validator_timeout_ms))" + StoppedTail), result.ToString());
        int pid = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.That(Directory.Exists("/proc/" + pid) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), Is.False,
            "the silent validator was killed, not left behind");
        Assert.That(File.Exists(fake.ExitMarker), Is.False, "no exit sweep is sent to a validator that stopped");
    }

    [Test]
    public void Fault_GarbageLines_OneWarning_ProtocolGoesOn()
    {
        const string garbage = "say 'this is not json'; say '{\"no\":\"ev\"}'; say '[1,2'; say '{\"ev\":42}'; ";
        using var fake = FakeValidator.With(onHello: garbage + FakeValidator.Ready,
            onSweep: "if [ \"$reason\" = demand ]; then say 'garbage again'; " + FakeValidator.SendFinding + "; fi; " + FakeValidator.Swept);

        ChildResult result = fake.Run("validate");

        AssertFinishedIntact(result);
        Assert.That(Count(result.Stderr, "not a protocol message"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("'this is not json'"), "the warning quotes the first bad line\n" + result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 1 [unpinned-managed-pointer]"), "good lines after garbage still count\n" + result);
        Assert.That(result.Stderr, Does.Not.Contain("stopped"), result.ToString());
    }

    [Test]
    public void Fault_FatalError_MessageOnce_BoundaryChecksContinue()
    {
        const string fatal = "say '{\"ev\":\"error\",\"fatal\":true,\"message\":\"cannot attach to the target: ptrace refused; set kernel.yama.ptrace_scope=1 or run as the same user\"}'; exit 1";
        using var fake = FakeValidator.With(onHello: fatal);

        ChildResult result = fake.Run("validate_then_check");

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("boundary check: native-use-after-free"), result.ToString());
        Assert.That(Count(result.Stderr, "ptrace refused; set kernel.yama.ptrace_scope=1 or run as the same user"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"InteropGuard: warning: the validator \(pid \d+\) cannot go on: cannot attach"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain(") stopped ("), "the fatal message is the one message\n" + result);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
    }

    [Test]
    public void ValidatorWarnings_PrintedOnceEach()
    {
        const string warnings = "say '{\"ev\":\"warning\",\"message\":\"sweep retried 5 times during a GC\"}'; "
            + "say '{\"ev\":\"warning\",\"message\":\"sweep retried 5 times during a GC\"}'; "
            + "say '{\"ev\":\"warning\",\"message\":\"a torn record was skipped\"}'; ";
        using var fake = FakeValidator.With(onHello: warnings + FakeValidator.Ready);

        ChildResult result = fake.Run("validate");

        AssertFinishedIntact(result);
        Assert.That(Count(result.Stderr, "sweep retried 5 times during a GC"), Is.EqualTo(1), result.ToString());
        Assert.That(Count(result.Stderr, "a torn record was skipped"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"InteropGuard: warning: the validator \(pid \d+\): a torn record was skipped"), result.ToString());
    }

    [Test]
    public void Fault_MissingValidatorPath_OneWarningNamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "InteropGuard.Cli.dll");

        ChildResult result = Scenario.Run("validate_then_check", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "validator_path=" + missing + ":exit_code=0", // the boundary check's report must not change the scenario's code
        });

        AssertFinishedIntact(result);
        Assert.That(result.Stdout, Does.Contain("boundary check: native-use-after-free"), result.ToString());
        Assert.That(Count(result.Stderr, "the validator was not found"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"looked at: validator_path '{missing}'"), result.ToString());
        Assert.That(result.Stderr, Does.Contain(StoppedTail), result.ToString());
    }

    [Test]
    public void Fault_NoValidatorAnywhere_WarningListsEveryPlace()
    {
        string emptyDir = Path.Combine(Path.GetTempPath(), "ig-empty-path-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(emptyDir);
        try
        {
            ChildResult result = Scenario.Run("validator_idle", new Dictionary<string, string?>
            {
                ["INTEROPGUARD"] = "2",
                ["PATH"] = emptyDir,
            });

            AssertFinishedIntact(result);
            Assert.That(Count(result.Stderr, "the validator was not found"), Is.EqualTo(1), result.ToString());
            Assert.That(result.Stderr, Does.Contain(Path.Combine(Scenario.Directory, "InteropGuard.Cli.dll")), result.ToString());
            Assert.That(result.Stderr, Does.Contain("interopguard on PATH"), result.ToString());
        }
        finally
        {
            Directory.Delete(emptyDir);
        }
    }

    [TestCase("1")]
    [TestCase("0")]
    public void Mode0And1_StartNoValidator(string mode)
    {
        using var fake = FakeValidator.WithFinding();

        ChildResult result = fake.Run("validate", mode: mode);

        AssertFinishedIntact(result);
        Assert.That(File.Exists(fake.StartedMarker), Is.False, "no child in mode " + mode);
        Assert.That(result.Stdout, Does.Contain("validate 1: 0 []"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, "Guard.Validate is silent in modes 0 and 1\n" + result);
    }

    /// <summary>1-based line in ValidationScenarios.cs of the first line containing <paramref name="text"/> after <paramref name="after"/>.</summary>
    private static int ScenarioLine(string after, string text, [System.Runtime.CompilerServices.CallerFilePath] string self = "")
    {
        string file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", "InteropGuard.Scenarios", "ValidationScenarios.cs"));
        string[] lines = File.ReadAllLines(file);
        int start = Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        int index = Array.FindIndex(lines, start, l => l.Contains(text, StringComparison.Ordinal));
        return index + 1;
    }
}
