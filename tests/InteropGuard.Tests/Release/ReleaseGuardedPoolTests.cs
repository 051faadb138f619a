// ReleaseGuardedPoolTests.cs - sampled NativeBuffers in release mode (INTEROPGUARD=release, sample_rate=1, child
// processes): managed code writing past one or reading it after release faults with the guarded pool's report, the
// nearest correct code is silent, and with the check off the fault stays but the report goes; a sampled buffer freed
// twice or at an interior address is reported as in modes 1 and 2 (an unsampled one is a plain malloc block: glibc's own
// checks, as without InteropGuard).
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

public sealed class ReleaseGuardedPoolTests
{
    private const string Sampled = "sample_rate=1";

    [Test]
    public void Detects_OverflowByManagedCode_FaultsWithTheGuardedPoolReport()
    {
        ChildResult result = ReleaseRun.Run("guarded_overflow_by_managed", Sampled);

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("still running"), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: native-buffer-overflow on address 0x[0-9a-f]+ \\[IG0002\\]$"), result.ToString());
        Assert.That(result.Stderr, Does.Match("WRITE at 0x[0-9a-f]+, 0 bytes after 32-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\), caught by the guard page after it\\."), result.ToString());
        Assert.That(result.Stderr, Does.Contain("  #0 GuardedOverflowByManaged  "), result.ToString());
        Assert.That(reports[0].Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0"), result.ToString());
        Assert.That(reports[0].Summary, Does.Match("^SUMMARY: InteropGuard: native-buffer-overflow .*GuardedPoolScenarios\\.cs:[0-9]+ in GuardedOverflowByManaged$"), result.ToString());
    }

    [Test]
    public void Detects_OverflowByManagedCode_CheckOff_FaultsWithoutAReport()
    {
        ChildResult result = ReleaseRun.Run("guarded_overflow_by_managed", Sampled + ":detect_native_buffer_overflow=0");

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Allows_LastByteOfASampledBuffer()
    {
        ChildResult result = ReleaseRun.Run("guarded_overflow_by_managed_ok", Sampled);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Detects_UseAfterFreeByManagedCode_FaultsWithBothSites()
    {
        ChildResult result = ReleaseRun.Run("guarded_use_after_free_by_managed", Sampled);

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \\[IG0001\\]$"), result.ToString());
        Assert.That(result.Stderr, Does.Match("READ at 0x[0-9a-f]+, 8 bytes inside of 64-byte native buffer"), result.ToString());
        Assert.That(result.Stderr, Does.Match("Buffer freed by \\(OS tid [0-9]+, [0-9.]+ ms ago\\):\n  #0 GuardedUseAfterFreeByManaged  "), result.ToString());
        Assert.That(result.Stderr, Does.Match("Buffer allocated by \\(OS tid [0-9]+, [0-9.]+ ms ago\\):\n  #0 GuardedUseAfterFreeByManaged  "), result.ToString());
    }

    [Test]
    public void Detects_UseAfterFreeByManagedCode_CheckOff_FaultsWithoutAReport()
    {
        ChildResult result = ReleaseRun.Run("guarded_use_after_free_by_managed", Sampled + ":detect_native_use_after_free=0");

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void NullReferenceException_StillThrown_InReleaseMode()
    {
        // release mode samples by default: the pool's SIGSEGV handler is in front of the runtime's
        ChildResult result = ReleaseRun.Run("guarded_null_reference");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("caught NullReferenceException"), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [TestCase("double_free", "double-free", "IG0003", "detect_double_free=0")]
    [TestCase("invalid_free", "invalid-free", "IG0004", "detect_invalid_free=0")]
    public void Detects_BadFreeOfASampledBuffer(string scenario, string kind, string id, string off)
    {
        ChildResult result = ReleaseRun.Run(scenario, Sampled);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match($"^ERROR: InteropGuard: {kind} on address 0x[0-9a-f]+ \\[{id}\\]$"), result.ToString());
        Assert.That(reports[0].Hints, Does.Contain($"HINT: to turn this check off set INTEROPGUARD_OPTIONS={off}"), result.ToString());

        ChildResult silent = ReleaseRun.Run(scenario, Sampled + ":" + off);
        Assert.That(silent.ExitCode, Is.EqualTo(Scenario.ExitCompleted), silent.ToString());
        Assert.That(ReportText.CountHeadlines(silent.Stderr), Is.Zero, silent.ToString());
    }

    [TestCase("double_free_ok")]
    [TestCase("invalid_free_ok")]
    public void Allows_OneFreeOfASampledBuffer(string scenario)
    {
        ChildResult result = ReleaseRun.Run(scenario, Sampled);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }
}
