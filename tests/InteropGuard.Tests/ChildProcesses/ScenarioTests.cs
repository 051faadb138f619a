// ScenarioTests.cs - the Go cgocheck-style table: every bug scenario runs in a child process and must report,
// then runs again with its detect_ option off (and, where the bug is harmless unguarded, with INTEROPGUARD=0)
// and must complete silently, proving the check made the difference; every _ok scenario must be silent.
using System.Collections.Generic;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.ChildProcesses;

public sealed class ScenarioTests
{
    /// <summary>One bug scenario: the kind it must report, the exit code, whether running it unguarded is safe,
    /// and what remains with its check off: nothing (null), or the plain .NET exception a use of a bad
    /// CheckedHandle still throws (there is no target to return), unhandled and unreported.</summary>
    public sealed record BugCase(string Name, string Kind, int ExitCode, bool SafeUnguarded, string? OffException = null, string Options = "")
    {
        public string Option => "detect_" + Kind.Replace('-', '_');

        /// <summary>The case's own options followed by <paramref name="more"/>.</summary>
        public string With(string more) => Options.Length == 0 ? more : more.Length == 0 ? Options : Options + ":" + more;

        public override string ToString() => Name;
    }

    private const string HandleOff = "System.InvalidOperationException";

    // 1 MiB: the scenario's churn evicts the freed block, so its poison is checked.
    private const string SmallQuarantine = "quarantine_mb=1";

    public static readonly BugCase[] Bugs =
    [
        new("native_use_after_free", "native-use-after-free", Scenario.ExitViolation, SafeUnguarded: true),
        new("native_buffer_overflow", "native-buffer-overflow", Scenario.ExitViolation, SafeUnguarded: false),
        new("overflow_written_by_native", "native-buffer-overflow", Scenario.ExitViolation, SafeUnguarded: false),
        new("underflow_written_by_native", "native-buffer-overflow", Scenario.ExitViolation, SafeUnguarded: false),
        new("overflow_found_by_verify", "native-buffer-overflow", Scenario.ExitCompleted, SafeUnguarded: false),
        new("write_after_free", "native-use-after-free", Scenario.ExitCompleted, SafeUnguarded: false, Options: SmallQuarantine),
        new("double_free", "double-free", Scenario.ExitViolation, SafeUnguarded: false),
        new("native_double_free", "double-free", Scenario.ExitCompleted, SafeUnguarded: false),
        new("invalid_free", "invalid-free", Scenario.ExitViolation, SafeUnguarded: false),
        new("use_after_unpin", "use-after-unpin", Scenario.ExitViolation, SafeUnguarded: true),
        new("use_after_unpin_elsewhere", "use-after-unpin", Scenario.ExitViolation, SafeUnguarded: true),
        new("invalid_handle", "invalid-handle", Scenario.ExitViolation, SafeUnguarded: false, HandleOff),
        new("invalid_handle_double_free", "invalid-handle", Scenario.ExitViolation, SafeUnguarded: false, HandleOff),
        new("invalid_handle_never_issued", "invalid-handle", Scenario.ExitViolation, SafeUnguarded: false, HandleOff),
    ];

    /// <summary>One correct scenario and the options its bug counterpart runs with.</summary>
    public sealed record OkCase(string Name, string Options = "")
    {
        public override string ToString() => Name;
    }

    public static readonly OkCase[] Oks =
    [
        new("native_use_after_free_ok"), new("native_buffer_overflow_ok"), new("overflow_written_by_native_ok"),
        new("overflow_found_by_verify_ok"), new("write_after_free_ok", SmallQuarantine), new("double_free_ok"),
        new("native_double_free_ok"), new("invalid_free_ok"), new("use_after_unpin_ok"), new("use_after_unpin_elsewhere_ok"), new("invalid_handle_ok"),
    ];

    public static IEnumerable<BugCase> SafeUnguardedBugs()
    {
        foreach (BugCase bug in Bugs)
        {
            if (bug.SafeUnguarded) yield return bug;
        }
    }

    [TestCaseSource(nameof(Bugs))]
    public void Detects(BugCase bug)
    {
        ChildResult result = Scenario.RunWithOptions(bug.Name, bug.With(""));

        Assert.That(result.ExitCode, Is.EqualTo(bug.ExitCode), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.StartWith($"ERROR: InteropGuard: {bug.Kind} on address 0x"), result.ToString());
        // Native detections have no managed site: their SUMMARY may end after the kind.
        Assert.That(reports[0].Summary, Does.Match($"^SUMMARY: InteropGuard: {bug.Kind}( .+:[0-9]+ in .+)?$"), result.ToString());
        Assert.That(reports[0].Hints, Does.Contain($"HINT: to turn this check off set INTEROPGUARD_OPTIONS={bug.Option}=0"), result.ToString());
        if (bug.ExitCode == Scenario.ExitViolation)
        {
            Assert.That(result.Stdout, Does.Contain($"uncaught InteropViolationException {bug.Kind}"), result.ToString());
        }
    }

    [TestCaseSource(nameof(Bugs))]
    public void Detects_NothingWithCheckOff(BugCase bug)
    {
        ChildResult result = Scenario.RunWithOptions(bug.Name, bug.With(bug.Option + "=0"));

        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
        if (bug.OffException == null)
        {
            Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
            Assert.That(result.Stdout, Does.Contain($"scenario {bug.Name}: completed"), result.ToString());
        }
        else
        {
            Assert.That(result.Stderr, Does.Contain("Unhandled exception. " + bug.OffException), result.ToString());
            Assert.That(result.Stderr, Does.Contain($"{bug.Option}=0"), "the exception says the report is off\n" + result);
            Assert.That(result.Stdout, Does.Not.Contain("InteropViolationException"), result.ToString());
        }
    }

    [TestCaseSource(nameof(SafeUnguardedBugs))]
    public void Detects_NothingWithGuardOff(BugCase bug)
    {
        ChildResult result = Scenario.Run(bug.Name, new Dictionary<string, string?> { ["INTEROPGUARD"] = "0" });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain($"scenario {bug.Name}: completed"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [TestCaseSource(nameof(Oks))]
    public void Allows(OkCase ok)
    {
        string name = ok.Name;
        ChildResult result = Scenario.RunWithOptions(name, ok.Options);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain($"scenario {name}: completed"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, "correct code must run silently\n" + result);
    }

    [Test]
    public void Detects_VerifyCountsDamage_Allows_VerifyOfIntactBlocks()
    {
        ChildResult bad = Scenario.Run("overflow_found_by_verify");
        ChildResult good = Scenario.Run("overflow_found_by_verify_ok");

        Assert.That(bad.Stdout, Does.Contain("verify found 1"), bad.ToString());
        Assert.That(good.Stdout, Does.Contain("verify found 0"), good.ToString());
    }

    [Test]
    public void HaltOnError_AbortsAtTheFirstReport()
    {
        ChildResult result = Scenario.RunWithOptions("halt_on_error", "halt_on_error=1");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitAborted), "abort (SIGABRT)\n" + result);
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("ERROR: InteropGuard: native-use-after-free"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("continued after the report"), result.ToString());
    }

    [Test]
    public void HaltOnError_Off_ThrowsAndContinues()
    {
        ChildResult result = Scenario.Run("halt_on_error");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("continued after the report: native-use-after-free"), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(1), result.ToString());
    }

    [Test]
    public void HaltOnError_NativeDetection_AlsoAborts()
    {
        ChildResult result = Scenario.RunWithOptions("native_double_free", "halt_on_error=1");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitAborted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("ERROR: InteropGuard: double-free"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("completed"), result.ToString());
    }

    [TestCase("native_use_after_free", "native-use-after-free")]
    [TestCase("use_after_unpin", "use-after-unpin")]
    [TestCase("use_after_unpin_elsewhere", "use-after-unpin")]
    [TestCase("double_free", "double-free")]
    public void Detects_InValidatorMode(string name, string kind)
    {
        ChildResult result = Scenario.Run(name, new Dictionary<string, string?> { ["INTEROPGUARD"] = "2" });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"ERROR: InteropGuard: {kind} on address 0x"), result.ToString());
    }

    [Test]
    public void ConcurrentReports_AreNotInterleaved()
    {
        ChildResult result = Scenario.RunWithOptions("concurrent_reports", "dedupe_reports=0");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(4), result.ToString());
        foreach (ReportText report in reports)
        {
            Assert.That(report.Headline, Does.Match(@"^ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \[IG0001\]$"), result.ToString());
            Assert.That(report.Lines[2], Does.Match(@"^  thread #\d+ ""reporter-\d"" \(OS tid \d+\)$"), result.ToString());
            Assert.That(report.Summary, Does.StartWith("SUMMARY: InteropGuard: native-use-after-free ScenarioTable.cs:"), result.ToString());
        }
        Assert.That(result.Stdout.Split("caught native-use-after-free").Length - 1, Is.EqualTo(4), result.ToString());
    }

    [Test]
    public void NativeDetection_WithGuardOff_NativeLibraryReportsItself()
    {
        // INTEROPGUARD=0: the runtime never loads the library or installs its hook; native ig_free still checks.
        ChildResult result = Scenario.Run("native_double_free", new Dictionary<string, string?> { ["INTEROPGUARD"] = "0" });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("enabled=False"), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match(@"^ERROR: InteropGuard: double-free on address 0x[0-9a-f]+ \[IG0003\]$"), result.ToString());
        Assert.That(reports[0].Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_double_free=0"), result.ToString());
        Assert.That(reports[0].Summary, Does.StartWith("SUMMARY: InteropGuard: double-free"), result.ToString());
    }

    [Test]
    public void NativeDetection_WithGuardOff_AndCheckOff_IsSilent()
    {
        ChildResult result = Scenario.Run("native_double_free", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "0",
            ["INTEROPGUARD_OPTIONS"] = "detect_double_free=0",
        });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [Test]
    public void UnknownScenario_ExitsWithUsage()
    {
        ChildResult result = Scenario.Run("no_such_scenario");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("native_use_after_free"), "lists the scenarios\n" + result);
    }
}
