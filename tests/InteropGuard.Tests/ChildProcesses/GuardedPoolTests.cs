// GuardedPoolTests.cs - the sampled guarded pool in a .NET process (sample_rate=1, child processes), in mode 1 and in
// release mode: managed code that writes past a NativeBuffer or reads it after release faults and is reported with the
// buffer's sites, the nearest correct code is silent, and the runtime's own SIGSEGV handling (NullReferenceException)
// is untouched.
using System.Collections.Generic;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.ChildProcesses;

[TestFixture("1")]
[TestFixture("release")]
public sealed class GuardedPoolTests
{
    private const string Sampled = "sample_rate=1";

    private readonly string _mode;

    /// <summary>Runs every case with INTEROPGUARD=<paramref name="mode"/>.</summary>
    /// <param name="mode">1 (shadow allocator) or release (plain blocks except the sampled ones).</param>
    public GuardedPoolTests(string mode) => _mode = mode;

    [Test]
    public void NullReferenceException_StillThrown_WithThePoolsHandlerInFront()
    {
        ChildResult result = Run("guarded_null_reference", Sampled);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("caught NullReferenceException"), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Detects_OverflowByManagedCode_AtTheFaultingWrite()
    {
        ChildResult result = Run("guarded_overflow_by_managed", Sampled);

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("still running"), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: native-buffer-overflow on address 0x[0-9a-f]+ \\[IG0002\\]$"), result.ToString());
        Assert.That(result.Stderr, Does.Match("WRITE at 0x[0-9a-f]+, 0 bytes after 32-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\), caught by the guard page after it\\."), result.ToString());
        int line = LineIn("GuardedOverflowByManaged()", "NativeBuffer.Allocate(32)");
        Assert.That(result.Stderr, Does.Contain($"  #0 GuardedOverflowByManaged  GuardedPoolScenarios.cs:{line}\n"), result.ToString());
        Assert.That(reports[0].Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0"), result.ToString());
        Assert.That(reports[0].Summary, Does.Match($"^SUMMARY: InteropGuard: native-buffer-overflow GuardedPoolScenarios\\.cs:{line} in GuardedOverflowByManaged$"), result.ToString());
    }

    [Test]
    public void Detects_OverflowByManagedCode_CheckOff_FaultsWithoutAReport()
    {
        ChildResult result = Run("guarded_overflow_by_managed", Sampled + ":detect_native_buffer_overflow=0");

        // the fault itself is the guard page's doing; only the report belongs to the check
        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Allows_LastByteOfASampledBuffer()
    {
        ChildResult result = Run("guarded_overflow_by_managed_ok", Sampled);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    [Test]
    public void Detects_UseAfterFreeByManagedCode_WithBothSites()
    {
        ChildResult result = Run("guarded_use_after_free_by_managed", Sampled);

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \\[IG0001\\]$"), result.ToString());
        Assert.That(result.Stderr, Does.Match("READ at 0x[0-9a-f]+, 8 bytes inside of 64-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\) that was freed [0-9]+ ms before"), result.ToString());
        int alloc = LineIn("GuardedUseAfterFreeByManaged()", "NativeBuffer.Allocate(64)");
        int free = LineIn("GuardedUseAfterFreeByManaged()", "buffer.Release()");
        Assert.That(result.Stderr, Does.Match($"Buffer freed by \\(OS tid [0-9]+, [0-9.]+ ms ago\\):\n  #0 GuardedUseAfterFreeByManaged  GuardedPoolScenarios\\.cs:{free}\n"), result.ToString());
        Assert.That(result.Stderr, Does.Match($"Buffer allocated by \\(OS tid [0-9]+, [0-9.]+ ms ago\\):\n  #0 GuardedUseAfterFreeByManaged  GuardedPoolScenarios\\.cs:{alloc}\n"), result.ToString());
    }

    [Test]
    public void Detects_UseAfterFreeByManagedCode_CheckOff_FaultsWithoutAReport()
    {
        ChildResult result = Run("guarded_use_after_free_by_managed", Sampled + ":detect_native_use_after_free=0");

        Assert.That(result.ExitCode, Is.Not.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }

    private ChildResult Run(string scenario, string options) =>
        Scenario.Run(scenario, new Dictionary<string, string?> { ["INTEROPGUARD"] = _mode, ["INTEROPGUARD_OPTIONS"] = options });

    /// <summary>1-based line in GuardedPoolScenarios.cs of the first line containing <paramref name="text"/> after <paramref name="after"/>.</summary>
    private static int LineIn(string after, string text)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Scenario.SourceFile())!, "GuardedPoolScenarios.cs");
        string[] lines = System.IO.File.ReadAllLines(file);
        int start = System.Array.FindIndex(lines, l => l.Contains(after, System.StringComparison.Ordinal));
        int index = System.Array.FindIndex(lines, start, l => l.Contains(text, System.StringComparison.Ordinal));
        Assert.That(start >= 0 && index >= 0, $"'{text}' after '{after}' not found in {file}");
        return index + 1;
    }
}
