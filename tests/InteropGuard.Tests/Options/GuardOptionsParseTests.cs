// GuardOptionsParseTests.cs - GuardOptions.Parse on good and malformed INTEROPGUARD_OPTIONS strings: never
// throws, warns naming the valid keys or values, keeps the defaults (docs/design/options.md).
using System;
using System.IO;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class GuardOptionsParseTests
{
    private static (GuardOptions Options, string Warnings) Parse(string? text)
    {
        var warnings = new StringWriter();
        GuardOptions options = GuardOptions.Parse(text, warnings);
        Assert.That(options, Is.Not.Null);
        return (options, warnings.ToString());
    }

    private static void AssertDefaults(GuardOptions o, string text)
    {
        Assert.That(o.HaltOnError, Is.False, $"halt_on_error after '{text}'");
        Assert.That(o.QuarantineMb, Is.EqualTo(64), $"quarantine_mb after '{text}'");
        Assert.That(o.ReportFormat, Is.EqualTo(ReportFormat.Text), $"report_format after '{text}'");
        Assert.That(string.IsNullOrEmpty(o.ReportPath), Is.True, $"report_path after '{text}'");
        foreach (ViolationKind kind in Enum.GetValues<ViolationKind>())
        {
            if (kind == ViolationKind.None) continue;
            Assert.That(o.IsDetected(kind), Is.True, $"IsDetected({kind}) after '{text}'");
        }
    }

    [Test]
    public void Null_GivesDefaultsSilently()
    {
        var (o, warnings) = Parse(null);

        AssertDefaults(o, "(null)");
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void NullWarningsWriter_IsAllowed()
    {
        Assert.DoesNotThrow(() => GuardOptions.Parse("no_such_key=1", null));
    }

    [TestCase("")]
    [TestCase(":")]
    [TestCase("::")]
    [TestCase("=")]
    [TestCase("a=b=c")]
    [TestCase("=1")]
    [TestCase("halt_on_error")]
    [TestCase("halt_on_error=")]
    [TestCase("quarantine_mb=-5")]
    [TestCase("quarantine_mb=abc")]
    [TestCase("quarantine_mb=99999999999999999999999999")]
    [TestCase("quarantine_mb=9223372036854775808")]
    [TestCase("halt_on_error=maybe")]
    [TestCase("halt_on_error=2")]
    [TestCase("report_format=xml")]
    [TestCase("no_such_key=1")]
    [TestCase("detect_double_free=off")]
    [TestCase("\0=\0")]
    public void Malformed_NeverThrows_KeepsDefaults(string text)
    {
        GuardOptions? o = null;
        string warnings = "";

        Assert.DoesNotThrow(() => (o, warnings) = Parse(text));

        AssertDefaults(o!, text);
    }

    [TestCase("=")]
    [TestCase("a=b=c")]
    [TestCase("halt_on_error")]
    [TestCase("quarantine_mb=-5")]
    [TestCase("quarantine_mb=abc")]
    [TestCase("quarantine_mb=99999999999999999999999999")]
    [TestCase("halt_on_error=maybe")]
    [TestCase("report_format=xml")]
    [TestCase("no_such_key=1")]
    public void Malformed_Warns(string text)
    {
        var (_, warnings) = Parse(text);

        Assert.That(warnings, Is.Not.Empty, $"'{text}' must warn");
    }

    [TestCase("no_such_key=1", "no_such_key")]
    [TestCase("a=b=c", "a")]
    public void UnknownKey_WarningNamesTheKeyAndTheValidKeys(string text, string key)
    {
        var (_, warnings) = Parse(text);

        Assert.That(warnings, Does.Contain(key));
        Assert.That(warnings, Does.Contain("halt_on_error"));
        Assert.That(warnings, Does.Contain("quarantine_mb"));
        Assert.That(warnings, Does.Contain("detect_native_use_after_free"));
    }

    [TestCase("halt_on_error=maybe", "halt_on_error")]
    [TestCase("detect_double_free=off", "detect_double_free")]
    public void BadBoolean_WarningNamesKeyAndValidValues(string text, string key)
    {
        var (_, warnings) = Parse(text);

        Assert.That(warnings, Does.Contain(key));
        Assert.That(warnings, Does.Contain("0"));
        Assert.That(warnings, Does.Contain("1"));
    }

    [TestCase("quarantine_mb=-5")]
    [TestCase("quarantine_mb=abc")]
    [TestCase("quarantine_mb=99999999999999999999999999")]
    public void BadSize_WarningNamesKey(string text)
    {
        var (_, warnings) = Parse(text);

        Assert.That(warnings, Does.Contain("quarantine_mb"));
    }

    [Test]
    public void BadFormat_WarningNamesValidFormats()
    {
        var (_, warnings) = Parse("report_format=xml");

        Assert.That(warnings, Does.Contain("report_format"));
        Assert.That(warnings, Does.Contain("text"));
        Assert.That(warnings, Does.Contain("json"));
        Assert.That(warnings, Does.Contain("sarif"));
    }

    [Test]
    public void Valid_AreApplied_Silently()
    {
        var (o, warnings) = Parse("halt_on_error=1:quarantine_mb=8:report_format=sarif:report_path=/tmp/r.%p.sarif:detect_double_free=0:detect_leaked_pin=1");

        Assert.That(warnings, Is.Empty);
        Assert.That(o.HaltOnError, Is.True);
        Assert.That(o.QuarantineMb, Is.EqualTo(8));
        Assert.That(o.ReportFormat, Is.EqualTo(ReportFormat.Sarif));
        Assert.That(o.ReportPath, Is.EqualTo($"/tmp/r.{Environment.ProcessId}.sarif"), "%p becomes the pid");
        Assert.That(o.IsDetected(ViolationKind.DoubleFree), Is.False);
        Assert.That(o.IsDetected(ViolationKind.LeakedPin), Is.True);
        Assert.That(o.IsDetected(ViolationKind.NativeUseAfterFree), Is.True);
    }

    [TestCase("halt_on_error=true", true)]
    [TestCase("halt_on_error=false", false)]
    [TestCase("halt_on_error=1", true)]
    [TestCase("halt_on_error=0", false)]
    public void Booleans_AcceptDigitsAndWords(string text, bool expected)
    {
        var (o, warnings) = Parse(text);

        Assert.That(o.HaltOnError, Is.EqualTo(expected));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void BadEntry_DoesNotSpoilTheGoodOnes()
    {
        var (o, warnings) = Parse("quarantine_mb=abc:halt_on_error=1::report_format=json");

        Assert.That(warnings, Does.Contain("quarantine_mb"));
        Assert.That(o.QuarantineMb, Is.EqualTo(64));
        Assert.That(o.HaltOnError, Is.True);
        Assert.That(o.ReportFormat, Is.EqualTo(ReportFormat.Json));
    }

    [Test]
    public void LaterEntry_Wins()
    {
        var (o, _) = Parse("quarantine_mb=8:quarantine_mb=16");

        Assert.That(o.QuarantineMb, Is.EqualTo(16));
    }

    [Test]
    public void EveryDetectOption_IsAKnownKey()
    {
        foreach (ViolationKind kind in Enum.GetValues<ViolationKind>())
        {
            if (kind == ViolationKind.None) continue;
            var (o, warnings) = Parse(ViolationKinds.GetOptionName(kind) + "=0");
            Assert.That(warnings, Is.Empty, kind.ToString());
            Assert.That(o.IsDetected(kind), Is.False, kind.ToString());
        }
    }

    [Test]
    public void ToStringInAMode_ShowsTheExitCodeInForce()
    {
        var (unset, _) = Parse("verbosity=1");
        var (given, _) = Parse("exit_code=0");

        Assert.That(unset.ToString(GuardMode.Validator), Does.Contain(":exit_code=23:"), "mode 2's default is in force");
        Assert.That(unset.ToString(GuardMode.Boundary), Does.Contain(":exit_code=0:"));
        Assert.That(given.ToString(GuardMode.Validator), Does.Contain(":exit_code=0:"), "a given value wins");
        Assert.That(unset.ToString(), Does.Contain(":exit_code=0:"), "without a mode: the option's own value");
    }
}
