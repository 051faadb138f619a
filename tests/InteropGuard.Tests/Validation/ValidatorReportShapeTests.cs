// ValidatorReportShapeTests.cs - golden shapes of a validator finding in process: the whole text report line by line,
// the JSON object, the SARIF result, holder variants (library data, region) and the dedupe key.
using System;
using System.Text.Json;
using InteropGuard.Reporting;
using InteropGuard.Tests.TestSupport;
using InteropGuard.Validation;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

public sealed class ValidatorReportShapeTests
{
    private static Violation Parse(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return ValidatorFindingParser.ToViolation(doc.RootElement, new TargetSweepOrigin(77, 0, 0), out _)!;
    }

    [TestCase(0, 0, null, "the validator (pid 77) in a timer sweep")]
    [TestCase(0, 3, null, "the validator (pid 77) in sweep 3 (timer)")]
    [TestCase(5, 0, null, "the validator (pid 77) in sweep 5")]
    [TestCase(5, 6, "exit", "the validator (pid 77) in sweep 6 (the exit sweep)")]
    [TestCase(5, 6, "start", "the validator (pid 77) in sweep 6 (at start-up, before Main)")]
    [TestCase(5, 6, "demand", "the validator (pid 77) in sweep 6, asked for by Guard.Validate")]
    public void FoundBy_NamesTheSweep(long sweepId, long number, string? reason, string expected)
    {
        Assert.That(ValidatorReportFormatter.FoundBy(new TargetSweepOrigin(77, sweepId, number, reason)), Is.EqualTo(expected));
    }

    [Test]
    public void FoundBy_NamesTheDemandSiteAndTheAttachingTool()
    {
        var site = new SourceSite("Tests.Caller", "/src/Caller.cs", 12);
        Assert.That(ValidatorReportFormatter.FoundBy(new TargetSweepOrigin(77, 5, 6, "demand", site)),
            Is.EqualTo("the validator (pid 77) in sweep 6, asked for by Guard.Validate in Tests.Caller  Caller.cs:12"));
        Assert.That(ValidatorReportFormatter.FoundBy(new AttachSweepOrigin(40, 2, 12)), Is.EqualTo("interopguard attach (pid 40) in sweep 2 of process 12"));
    }

    [Test]
    public void Text_WholeReport()
    {
        Violation v = Parse(FakeValidator.Finding.Replace("__SWEEP__", "0"));

        Assert.That(v.ToString(), Is.EqualTo(string.Join("\n",
            ReportText.Frame,
            "ERROR: InteropGuard: unpinned-managed-pointer on address 0x7f1c2a4b0010 [IG0006]",
            FakeValidator.Evidence,
            "  found by the validator (pid 77) in a timer sweep",
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
            ReportText.Frame,
            "")));
    }

    [Test]
    public void Text_DanglingPointer_InLibraryData_WithoutEvidence()
    {
        Violation v = Parse("""
            {"ev":"finding","sweep":3,"kind":"dangling-managed-pointer","address":"0x7f0000000040","size":8,"holder":"library-data",
             "holderAddress":"0x7f5500001018","holderStart":"0x7f5500001000","holderSize":4096,"library":"/app/libfoo.so"}
            """);
        ReportText report = ReportText.Single(v.ToString());

        Assert.That(report.Headline, Is.EqualTo("ERROR: InteropGuard: dangling-managed-pointer on address 0x7f0000000040 [IG0007]"));
        Assert.That(report.Location, Is.EqualTo("The word at 0x7f5500001018 (the data (.data/.bss) of /app/libfoo.so, 24 bytes into [0x7f5500001000, 0x7f5500002000)) holds 0x7f0000000040, which points into managed memory where no live object is."));
        Assert.That(report.After("Held in:"), Is.EqualTo("  the data (.data/.bss) of /app/libfoo.so, 24 bytes into [0x7f5500001000, 0x7f5500002000) (the word at 0x7f5500001018)"));
        Assert.That(report.Hints[0], Is.EqualTo("HINT: the object has moved or died while native code kept the pointer: keep it pinned with a GCHandle or Guard.Pin(...).RetainedByNative() until native code lets go, or copy the data into a NativeBuffer."));
        Assert.That(report.Hints[1], Does.Contain("dangling-managed-pointer:<function or file>"));
        Assert.That(report.Hints[2], Is.EqualTo("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_dangling_managed_pointer=0"));
        Assert.That(report.Summary, Is.EqualTo("SUMMARY: InteropGuard: dangling-managed-pointer in the data of libfoo.so"));
    }

    [Test]
    public void Text_CollectedCallback_RangeHeadings()
    {
        Violation v = Parse("""
            {"ev":"finding","kind":"collected-delegate-callback","address":"0x7f00000a0000","rangeKind":"callback","rangeStart":"0x7f00000a0000",
             "rangeSize":16,"allocSite":{"function":"App.Register","file":"/s/App.cs","line":10},"releaseSite":{"function":"App.Drop","file":"/s/App.cs","line":20}}
            """);
        ReportText report = ReportText.Single(v.ToString());

        Assert.That(report.After("Callback created by:"), Is.EqualTo("  #0 App.Register  App.cs:10"));
        Assert.That(report.After("Callback released by:"), Is.EqualTo("  #0 App.Drop  App.cs:20"));
        Assert.That(report.Hints, Has.Count.EqualTo(2), "no conservative-scan hint without a holder");
        Assert.That(report.Summary, Is.EqualTo("SUMMARY: InteropGuard: collected-delegate-callback App.cs:10 in App.Register"));
    }

    [Test]
    public void Json_CarriesHolderObjectAndEvidence_BoundaryViolationsCarryNulls()
    {
        Violation v = Parse(FakeValidator.Finding.Replace("__SWEEP__", "0"));

        using JsonDocument doc = JsonDocument.Parse(JsonReportFormatter.FormatLine(v));
        JsonElement o = doc.RootElement;

        Assert.That(o.GetProperty("foundBy").GetString(), Is.EqualTo("validator"));
        Assert.That(o.GetProperty("evidence").GetString(), Is.EqualTo(FakeValidator.Evidence));
        Assert.That(o.GetProperty("holder").GetProperty("library").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(o.GetProperty("object").GetProperty("type").GetString(), Is.EqualTo("System.Byte[]"));
        Assert.That(o.GetProperty("thread").GetProperty("id").GetInt32(), Is.Zero);

        Violation boundary = new PointerAtCallViolation(ViolationKind.UseAfterUnpin, 16) { Size = 4, Argument = "p", AccessSite = new SourceSite("M", "/f.cs", 1) };
        using JsonDocument b = JsonDocument.Parse(JsonReportFormatter.FormatLine(boundary));
        Assert.That(b.RootElement.GetProperty("foundBy").GetString(), Is.EqualTo("call"));
        Assert.That(b.RootElement.GetProperty("evidence").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(b.RootElement.GetProperty("holder").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(b.RootElement.GetProperty("object").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Sarif_LocationIsTheHolderSite_PropertiesCarryTheEvidence()
    {
        Violation v = Parse(FakeValidator.Finding.Replace("__SWEEP__", "0"));

        using JsonDocument doc = JsonDocument.Parse(SarifReportFormatter.Format([v]));
        JsonElement result = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0];

        Assert.That(result.GetProperty("ruleId").GetString(), Is.EqualTo("IG0006"));
        JsonElement physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(physical.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("file:///src/Demo.cs"));
        Assert.That(physical.GetProperty("region").GetProperty("startLine").GetInt32(), Is.EqualTo(42));
        Assert.That(result.GetProperty("relatedLocations")[0].GetProperty("message").GetProperty("text").GetString(),
            Is.EqualTo("the memory holding the pointer was allocated here (Demo.Keep)"));
        JsonElement properties = result.GetProperty("properties");
        Assert.That(properties.GetProperty("foundBy").GetString(), Is.EqualTo("validator"));
        Assert.That(properties.GetProperty("evidence").GetString(), Is.EqualTo(FakeValidator.Evidence));
        Assert.That(properties.GetProperty("holderKind").GetString(), Is.EqualTo("native-block"));
        Assert.That(properties.GetProperty("holderAddress").GetString(), Is.EqualTo("0x5581e2b0a008"));
        Assert.That(properties.GetProperty("objectType").GetString(), Is.EqualTo("System.Byte[]"));
        Assert.That(result.GetProperty("message").GetProperty("text").GetString(), Does.EndWith(FakeValidator.Evidence));
    }

    [Test]
    public void Dedupe_KeyedByHolderSite_ElseByWordAndValue()
    {
        Violation a = Parse(FakeValidator.Finding.Replace("__SWEEP__", "0"));
        Violation b = Parse(FakeValidator.Finding.Replace("__SWEEP__", "5").Replace("0x5581e2b0a008", "0x5581e2b0a010", StringComparison.Ordinal));
        Violation c = Parse("""{"ev":"finding","kind":"unpinned-managed-pointer","address":"0x10","holderAddress":"0x20"}""");
        Violation d = Parse("""{"ev":"finding","kind":"unpinned-managed-pointer","address":"0x10","holderAddress":"0x28"}""");

        Assert.That(Reporter.DedupeKey(a), Is.EqualTo(Reporter.DedupeKey(b)), "one kind at one allocation site is printed once");
        Assert.That(Reporter.DedupeKey(c), Is.Not.EqualTo(Reporter.DedupeKey(d)));
    }

    [Test]
    public void Suppressions_MatchTheHolderSiteAndLibrary()
    {
        var problems = new System.Collections.Generic.List<string>();
        Suppressions rules = Suppressions.Parse(["unpinned-managed-pointer:Demo.Keep", "dangling-managed-pointer:libfoo"], problems);
        Violation held = Parse(FakeValidator.Finding.Replace("__SWEEP__", "0"));
        Violation inLibrary = Parse("""{"ev":"finding","kind":"dangling-managed-pointer","holder":"library-data","library":"/app/libfoo.so"}""");
        Violation elsewhere = Parse("""{"ev":"finding","kind":"dangling-managed-pointer","holder":"library-data","library":"/app/libbar.so"}""");

        Assert.That(problems, Is.Empty);
        Assert.That(rules.Matches(held), Is.True);
        Assert.That(rules.Matches(inLibrary), Is.True);
        Assert.That(rules.Matches(elsewhere), Is.False);
    }
}
