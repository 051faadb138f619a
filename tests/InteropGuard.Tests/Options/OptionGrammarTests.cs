// OptionGrammarTests.cs - GuardOptions.Parse reads INTEROPGUARD_OPTIONS with ig_options.c's exact grammar (no trimming,
// exact case, bounded text), quotes at most a short escaped excerpt in warnings, and checks values against each other.
using System;
using System.IO;
using System.Linq;
using InteropGuard.Reporting;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class OptionGrammarTests
{
    private static (GuardOptions Options, string[] Warnings) Parse(string? text)
    {
        var warnings = new StringWriter();
        GuardOptions options = GuardOptions.Parse(text, warnings);
        return (options, warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [TestCase(" quarantine_mb=8", "unknown option ' quarantine_mb'")]
    [TestCase("quarantine_mb =8", "unknown option 'quarantine_mb '")]
    [TestCase("quarantine_mb= 8", "bad value ' 8' for option quarantine_mb")]
    [TestCase("quarantine_mb=8 ", "bad value '8 ' for option quarantine_mb")]
    [TestCase("QUARANTINE_MB=8", "unknown option 'QUARANTINE_MB'")]
    [TestCase("halt_on_error=TRUE", "bad value 'TRUE' for option halt_on_error")]
    [TestCase("report_format=JSON", "bad value 'JSON' for option report_format")]
    [TestCase("quarantine_mb=+8", "bad value '+8' for option quarantine_mb")]
    [TestCase("quarantine_mb", "bad value '' for option quarantine_mb")]
    [TestCase("   ", "unknown option '   '")]
    public void Detects_WhatTheNativeGrammarRefuses(string text, string warning)
    {
        var (o, warnings) = Parse(text);

        Assert.That(warnings, Has.Length.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("InteropGuard: warning: " + warning));
        Assert.That(o.QuarantineMb, Is.EqualTo(64));
        Assert.That(o.HaltOnError, Is.False);
        Assert.That(o.ReportFormat, Is.EqualTo(ReportFormat.Text));
    }

    [TestCase("quarantine_mb=8", 8)]
    [TestCase("quarantine_mb=0008", 8)]
    [TestCase("::quarantine_mb=8::", 8)]
    [TestCase("quarantine_mb=8\0halt_on_error=x", 8)]
    public void Allows_WhatTheNativeGrammarAccepts(string text, int expected)
    {
        var (o, warnings) = Parse(text);

        Assert.That(warnings, Is.Empty);
        Assert.That(o.QuarantineMb, Is.EqualTo(expected));
    }

    [Test]
    public void Detects_TextValueTooLongOrHoldingEquals_KeepsTheEarlierValue()
    {
        string longPath = "/" + new string('p', 255);
        var (o, warnings) = Parse("report_path=/tmp/a:report_path=" + longPath + ":suppressions=/tmp/s:suppressions=a=b");

        Assert.That(warnings, Has.Length.EqualTo(2));
        Assert.That(warnings[0], Is.EqualTo("InteropGuard: warning: bad value '/ppppppppppppppppppppppppppppppppppppppp...' for option report_path; valid values: text of at most 255 bytes without '='; keeping report_path=/tmp/a"));
        Assert.That(warnings[1], Does.EndWith("keeping suppressions=/tmp/s"));
        Assert.That(o.ReportPath, Is.EqualTo("/tmp/a"));
        Assert.That(o.Suppressions, Is.EqualTo("/tmp/s"));
    }

    [Test]
    public void Allows_TextValueOf255Bytes()
    {
        string path = "/" + new string('p', 252) + "é"; // 253 ASCII bytes + 2 = 255
        var (o, warnings) = Parse("suppressions=" + path);

        Assert.That(warnings, Is.Empty);
        Assert.That(o.Suppressions, Is.EqualTo(path));
    }

    [Test]
    public void Detects_HugeValue_QuotedAsAShortExcerpt()
    {
        string huge = new string('9', 101 * 1024);
        var (_, warnings) = Parse("quarantine_mb=" + huge + ":" + huge + "=1");

        Assert.That(warnings, Has.Length.EqualTo(2));
        Assert.That(warnings[0], Does.StartWith("InteropGuard: warning: bad value '" + new string('9', 40) + "...' for option quarantine_mb;"));
        Assert.That(warnings[1], Does.StartWith("InteropGuard: warning: unknown option '" + new string('9', 40) + "...' in INTEROPGUARD_OPTIONS"));
        Assert.That(warnings.Max(w => w.Length), Is.LessThan(1200));
    }

    [Test]
    public void Detects_ControlCharacters_EscapedInWarnings()
    {
        var (_, warnings) = Parse("verbosity=\u001b[2J\r'\\é:\u0007=1");

        Assert.That(warnings, Has.Length.EqualTo(2));
        Assert.That(warnings[0], Does.StartWith(@"InteropGuard: warning: bad value '\x1b[2J\x0d\x27\x5c\xc3\xa9' for option verbosity;"));
        Assert.That(warnings[1], Does.StartWith(@"InteropGuard: warning: unknown option '\x07'"));
        Assert.That(string.Concat(warnings).Any(c => c < ' '), Is.False, "no raw control character reaches the terminal");
    }

    [Test]
    public void Detects_MaxRedzoneBelowRedzone()
    {
        var (o, warnings) = Parse("max_redzone=16:redzone=2048");

        Assert.That(warnings, Is.EqualTo(new[] { "InteropGuard: warning: max_redzone=16 is below redzone=2048; using max_redzone=2048" }));
        Assert.That(o.Redzone, Is.EqualTo(2048));
        Assert.That(o.MaxRedzone, Is.EqualTo(2048));
    }

    [TestCase("max_redzone=64:redzone=64")]
    [TestCase("redzone=64")]
    [TestCase("max_redzone=16")]
    public void Allows_MaxRedzoneAtLeastRedzone(string text)
    {
        var (o, warnings) = Parse(text);

        Assert.That(warnings, Is.Empty);
        Assert.That(o.MaxRedzone, Is.GreaterThanOrEqualTo(o.Redzone));
    }

    [Test]
    public void BadValue_NamesTheValueKept()
    {
        var (o, warnings) = Parse("quarantine_mb=8:quarantine_mb=x:report_format=json:report_format=xml");

        Assert.That(warnings[0], Does.EndWith("keeping quarantine_mb=8"));
        Assert.That(warnings[1], Does.EndWith("keeping report_format=json"));
        Assert.That(o.QuarantineMb, Is.EqualTo(8));
        Assert.That(o.ReportFormat, Is.EqualTo(ReportFormat.Json));
    }

    [Test]
    public void Split_KeepsItemsAsWritten()
    {
        Assert.That(GuardOptions.Split(":a=b= c::key: x=:"), Is.EqualTo(new[]
        {
            new OptionItem("a", "b= c"), new OptionItem("key", null), new OptionItem(" x", ""),
        }));
        Assert.That(GuardOptions.Split(null), Is.Empty);
    }
}
