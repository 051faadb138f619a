// ModeTests.cs - INTEROPGUARD=0|1|2 and bad values, and INTEROPGUARD_OPTIONS read from the environment at
// start-up; each case is a fresh child process because both are read once.
using System.Collections.Generic;
using System.Linq;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.ChildProcesses;

public sealed class ModeTests
{
    private static ChildResult RunMode(string? mode) =>
        Scenario.Run("print_mode", new Dictionary<string, string?> { ["INTEROPGUARD"] = mode });

    [TestCase(null, "Boundary", true)]
    [TestCase("1", "Boundary", true)]
    [TestCase("2", "Validator", true)]
    [TestCase("0", "Off", false)]
    public void ValidMode_IsUsedSilently(string? mode, string expected, bool enabled)
    {
        // Mode 2 starts a validator child; a healthy (fake) one says nothing. Without one it warns: see Mode2_WithoutValidator.
        using var validator = Validation.FakeValidator.With();
        ChildResult result = mode == "2"
            ? validator.Run("print_mode")
            : RunMode(mode);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain($"mode={expected} enabled={enabled}"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("allocated 8"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [Test]
    public void Mode2_WithoutValidator_WarnsOnce_AndKeepsBoundaryChecks()
    {
        ChildResult result = Scenario.Run("print_mode", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "validator_path=/no/such/InteropGuard.Cli.dll",
        });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Validator enabled=True"), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("the validator was not found (looked at: validator_path '/no/such/InteropGuard.Cli.dll')"), result.ToString());
    }

    [TestCase("7")]
    [TestCase("on")]
    [TestCase("-1")]
    public void BadMode_WarnsNamingValidValues_AndUsesBoundary(string mode)
    {
        ChildResult result = RunMode(mode);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Boundary enabled=True"), result.ToString());
        string warning = string.Join("\n", result.Stderr.Split('\n').Where(l => l.Contains("INTEROPGUARD", System.StringComparison.Ordinal)));
        Assert.That(warning, Does.Contain("0"), result.ToString());
        Assert.That(warning, Does.Contain("1"), result.ToString());
        Assert.That(warning, Does.Contain("2"), result.ToString());
        Assert.That(warning, Does.Contain(mode), "the warning quotes the bad value\n" + result);
    }

    [Test]
    public void BadOptions_WarnOnceAtStartUp_AndProgramRuns()
    {
        ChildResult result = Scenario.RunWithOptions("print_mode", "no_such_key=1:quarantine_mb=abc");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Boundary enabled=True"), result.ToString());
        Assert.That(CountOccurrences(result.Stderr, "no_such_key"), Is.EqualTo(1), "one warning, not one per side (managed + native)\n" + result);
        Assert.That(CountOccurrences(result.Stderr, "quarantine_mb=abc") + CountOccurrences(result.Stderr, "'abc'"), Is.GreaterThanOrEqualTo(1), result.ToString());
    }

    [Test]
    public void Verbosity_PrintsModeAndNativeLibraryPath()
    {
        ChildResult result = Scenario.RunWithOptions("print_mode", "verbosity=1");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("libinteropguard.so"), result.ToString());
    }

    [Test]
    public void ModeOff_DetectsNothing_EvenWhereOn_WouldThrow()
    {
        ChildResult on = Scenario.Run("use_after_unpin");
        ChildResult off = Scenario.Run("use_after_unpin", new Dictionary<string, string?> { ["INTEROPGUARD"] = "0" });

        Assert.That(on.ExitCode, Is.EqualTo(Scenario.ExitViolation), on.ToString());
        Assert.That(off.ExitCode, Is.EqualTo(Scenario.ExitCompleted), off.ToString());
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, System.StringComparison.Ordinal)) count++;
        return count;
    }
}
