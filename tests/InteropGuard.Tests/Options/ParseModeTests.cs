// ParseModeTests.cs - GuardRuntime.ParseMode in process: INTEROPGUARD values incl. release, the build's default
// (the InteropGuard.DefaultMode runtimeconfig knob) used when INTEROPGUARD is unset, bad values of either warning
// and falling back, and INTEROPGUARD winning over the build's default.
using System.IO;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class ParseModeTests
{
    private static (GuardMode Mode, string Warnings) Parse(string? value, string? buildDefault)
    {
        var warnings = new StringWriter();
        GuardMode mode = GuardRuntime.ParseMode(value, buildDefault, warnings);
        return (mode, warnings.ToString());
    }

    [TestCase("release")]
    [TestCase("RELEASE")]
    [TestCase("Release")]
    [TestCase(" release\n")]
    public void Release_InAnyCaseOrPadding_IsReleaseMode(string value)
    {
        var (mode, warnings) = Parse(value, null);

        Assert.That(mode, Is.EqualTo(GuardMode.Release));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("0", GuardMode.Off)]
    [TestCase("off", GuardMode.Off)]
    [TestCase("1", GuardMode.Boundary)]
    [TestCase("boundary", GuardMode.Boundary)]
    [TestCase("2", GuardMode.Validator)]
    [TestCase("VALIDATOR", GuardMode.Validator)]
    public void OtherValidValues_KeepTheirMeaning(string value, GuardMode expected)
    {
        var (mode, warnings) = Parse(value, null);

        Assert.That(mode, Is.EqualTo(expected));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Unset_WithoutBuildDefault_IsBoundary(string? value)
    {
        var (mode, warnings) = Parse(value, null);

        Assert.That(mode, Is.EqualTo(GuardMode.Boundary));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("release", GuardMode.Release)]
    [TestCase("RELEASE", GuardMode.Release)]
    [TestCase("0", GuardMode.Off)]
    [TestCase("2", GuardMode.Validator)]
    public void Unset_UsesTheBuildDefault(string buildDefault, GuardMode expected)
    {
        var (mode, warnings) = Parse(null, buildDefault);

        Assert.That(mode, Is.EqualTo(expected));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("1", "release", GuardMode.Boundary)]
    [TestCase("0", "release", GuardMode.Off)]
    [TestCase("release", "1", GuardMode.Release)]
    [TestCase("2", "release", GuardMode.Validator)]
    public void Set_WinsOverTheBuildDefault(string value, string buildDefault, GuardMode expected)
    {
        var (mode, warnings) = Parse(value, buildDefault);

        Assert.That(mode, Is.EqualTo(expected));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("releases")]
    [TestCase("7")]
    [TestCase("on")]
    public void Invalid_WarnsNamingTheValidValues_AndUsesBoundary(string value)
    {
        var (mode, warnings) = Parse(value, null);

        Assert.That(mode, Is.EqualTo(GuardMode.Boundary));
        Assert.That(warnings, Does.StartWith("InteropGuard: warning: INTEROPGUARD='" + value + "' is not a valid mode"));
        Assert.That(warnings, Does.Contain("0 = off").And.Contain("1 = call-boundary checks").And.Contain("2 = adds the validator").And.Contain("release = "));
        Assert.That(warnings.TrimEnd(), Does.EndWith("using 1"));
        Assert.That(warnings.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Invalid_IsQuotedAsAShortEscapedExcerpt()
    {
        var (mode, warnings) = Parse("\u001b[31m" + new string('x', 5000), null);

        Assert.That(mode, Is.EqualTo(GuardMode.Boundary));
        Assert.That(warnings, Does.StartWith(@"InteropGuard: warning: INTEROPGUARD='\x1b[31m" + new string('x', 35) + "...' is not a valid mode"));
        Assert.That(warnings.Contains('\u001b', System.StringComparison.Ordinal), Is.False, "no raw escape character reaches the terminal");
        Assert.That(warnings.Length, Is.LessThan(400));
    }

    [Test]
    public void Invalid_WithReleaseBuildDefault_WarnsAndUsesTheBuildDefault()
    {
        var (mode, warnings) = Parse("fast", "release");

        Assert.That(mode, Is.EqualTo(GuardMode.Release));
        Assert.That(warnings, Does.Contain("INTEROPGUARD='fast' is not a valid mode"));
        Assert.That(warnings.TrimEnd(), Does.EndWith("using release"));
    }

    [Test]
    public void InvalidBuildDefault_WarnsNamingTheKnob_AndUsesBoundary()
    {
        var (mode, warnings) = Parse(null, "sometimes");

        Assert.That(mode, Is.EqualTo(GuardMode.Boundary));
        Assert.That(warnings, Does.Contain("the build's default mode 'sometimes'"));
        Assert.That(warnings, Does.Contain("InteropGuard.DefaultMode"));
        Assert.That(warnings, Does.Contain("valid: 0, 1, 2, release"));
        Assert.That(warnings.TrimEnd(), Does.EndWith("using 1"));
    }

    [Test]
    public void InvalidBuildDefault_WithValidValue_WarnsAboutTheKnob_AndUsesTheValue()
    {
        // the bad knob is a build mistake worth a warning even when the environment overrides it
        var (mode, warnings) = Parse("release", "sometimes");

        Assert.That(mode, Is.EqualTo(GuardMode.Release));
        Assert.That(warnings, Does.Contain("the build's default mode 'sometimes'"));
    }

    [Test]
    public void EmptyBuildDefault_IsIgnoredSilently()
    {
        var (mode, warnings) = Parse(null, " ");

        Assert.That(mode, Is.EqualTo(GuardMode.Boundary));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void NullWarningsWriter_IsAllowed()
    {
        Assert.That(GuardRuntime.ParseMode("bogus", "bogus", null), Is.EqualTo(GuardMode.Boundary));
        Assert.That(GuardRuntime.ParseMode("release", null), Is.EqualTo(GuardMode.Release));
    }

    [TestCase(GuardMode.Off, "0")]
    [TestCase(GuardMode.Boundary, "1")]
    [TestCase(GuardMode.Validator, "2")]
    [TestCase(GuardMode.Release, "release")]
    public void ModeName_SpellsTheModeAsInteropGuardDoes(GuardMode mode, string expected)
    {
        Assert.That(GuardRuntime.ModeName(mode), Is.EqualTo(expected));
        Assert.That(GuardRuntime.ParseMode(expected, null), Is.EqualTo(mode), "round trip");
    }
}
