// ReleaseGuardedPoolTests.cs - sampled NativeBuffers in release mode (INTEROPGUARD=release, child processes): the pool's
// handler in front of the runtime's with release mode's default sampling, and a sampled buffer freed twice or at an
// interior address reported as in modes 1 and 2 (an unsampled one is a plain malloc block: glibc's own checks, as
// without InteropGuard). The faults of managed overflows and uses after free run in both modes in
// ChildProcesses/GuardedPoolTests.
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

public sealed class ReleaseGuardedPoolTests
{
    private const string Sampled = "sample_rate=1";

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
