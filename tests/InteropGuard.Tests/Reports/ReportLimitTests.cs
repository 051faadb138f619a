// ReportLimitTests.cs - the options that decide which reports are printed: dedupe_reports, max_reports and
// suppressions; every report is still counted (Guard.ReportCount) unless suppressed. Child processes.
using System;
using System.IO;
using System.Linq;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class ReportLimitTests
{
    [Test]
    public void Dedupe_OneSiteIsPrintedOnce_ButCountedEveryTime()
    {
        ChildResult result = Scenario.Run("repeated_report");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Does.Contain("report count 3"), result.ToString());
    }

    [Test]
    public void DedupeOff_EveryReportIsPrinted()
    {
        ChildResult result = Scenario.RunWithOptions("repeated_report", "dedupe_reports=0");

        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(3), result.ToString());
        Assert.That(result.Stdout, Does.Contain("report count 3"), result.ToString());
    }

    [Test]
    public void MaxReports_StopsPrintingAndSaysSo()
    {
        ChildResult result = Scenario.RunWithOptions("many_kinds", "max_reports=2");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("max_reports"), "one line says printing stopped\n" + result);
        Assert.That(result.Stdout, Does.Contain("caught invalid-handle"), "later violations still throw\n" + result);
    }

    [Test]
    public void Suppressions_MatchingLineSilencesTheReport_OtherKindsStillReported()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# test suppressions\nnative-use-after-free:NativeUseAfterFree\n");

            ChildResult suppressed = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + file);
            ChildResult other = Scenario.RunWithOptions("double_free", "suppressions=" + file);

            Assert.That(suppressed.ExitCode, Is.EqualTo(Scenario.ExitCompleted), suppressed.ToString());
            Assert.That(ReportText.CountHeadlines(suppressed.Stderr), Is.Zero, suppressed.ToString());
            Assert.That(other.ExitCode, Is.EqualTo(Scenario.ExitViolation), other.ToString());
            Assert.That(other.Stderr, Does.Contain("ERROR: InteropGuard: double-free"), other.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void UnwritableReportPath_WarnsOnce_TextStillOnStderr()
    {
        ChildResult result = Scenario.RunWithOptions("many_kinds", "report_format=json:report_path=/nonexistent/ig/report.json");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(4), result.ToString());
        string[] warnings = result.Stderr.Split('\n').Where(l => l.Contains("report_path", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), "one warning\n" + result);
        Assert.That(warnings[0], Does.Contain("/nonexistent/ig/report.json"), "naming the path");
    }
}
