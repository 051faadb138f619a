// ReportFileTests.cs - report_path with report_format=json and sarif: the file parses with System.Text.Json and
// holds the documented fields; stderr still gets the text. Each test runs the many_kinds scenario (four kinds).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using InteropGuard.Reporting;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class ReportFileTests
{
    private static readonly string[] ExpectedKinds = ["native-use-after-free", "native-buffer-overflow", "double-free", "invalid-handle"];
    private static readonly string[] ExpectedIds = ["IG0001", "IG0002", "IG0003", "IG0009"];

    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("ig-reports-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Json_OneObjectPerViolation_WithDocumentedFields()
    {
        string path = Path.Combine(_dir, "report.json");
        ChildResult result = Scenario.RunWithOptions("many_kinds", $"report_format=json:report_path={path}");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.Parse(result.Stderr), Has.Count.EqualTo(4), "text still goes to stderr\n" + result);
        Assert.That(File.Exists(path), Is.True, result.ToString());
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Length.EqualTo(4), File.ReadAllText(path));

        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument doc = JsonDocument.Parse(lines[i]);
            JsonElement o = doc.RootElement;
            Assert.That(o.GetProperty("kind").GetString(), Is.EqualTo(ExpectedKinds[i]), lines[i]);
            Assert.That(o.GetProperty("id").GetString(), Is.EqualTo(ExpectedIds[i]), lines[i]);
            Assert.That(o.GetProperty("address").GetString(), Does.Match("^0x[0-9a-f]+$"), lines[i]);
            Assert.That(o.GetProperty("size").ValueKind, Is.EqualTo(JsonValueKind.Number), lines[i]);
            Assert.That(o.TryGetProperty("argument", out _), Is.True, lines[i]);
            Assert.That(o.GetProperty("description").GetString(), Is.Not.Empty, lines[i]);
            Assert.That(o.TryGetProperty("thread", out _), Is.True, lines[i]);
            Assert.That(o.TryGetProperty("time", out _), Is.True, lines[i]);
            Assert.That(o.TryGetProperty("allocationSite", out _), Is.True, lines[i]);
            Assert.That(o.TryGetProperty("releaseSite", out _), Is.True, lines[i]);
            JsonElement access = o.GetProperty("accessSite");
            Assert.That(access.GetProperty("file").GetString(), Is.EqualTo(Scenario.SourceFile()), "full path in JSON\n" + lines[i]);
            Assert.That(access.GetProperty("line").GetInt32(), Is.GreaterThan(0), lines[i]);
            Assert.That(access.GetProperty("member").GetString(), Is.Not.Empty, lines[i]);
            Assert.That(access.TryGetProperty("stack", out _), Is.True, lines[i]);
            JsonElement range = o.GetProperty("range");
            Assert.That(range.TryGetProperty("kind", out _), Is.True, lines[i]);
            Assert.That(range.TryGetProperty("start", out _), Is.True, lines[i]);
            Assert.That(range.TryGetProperty("size", out _), Is.True, lines[i]);
        }
    }

    [Test]
    public void Json_UseAfterFree_NamesTheAccessLineAndRange()
    {
        string path = Path.Combine(_dir, "uaf.json");
        int accessLine = Scenario.LineOf("private static void NativeUseAfterFree()", "Guard.Check(p, 16);");

        ChildResult result = Scenario.RunWithOptions("native_use_after_free", $"report_format=json:report_path={path}");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllLines(path).First(l => l.Length > 0));
        JsonElement o = doc.RootElement;
        Assert.That(o.GetProperty("accessSite").GetProperty("line").GetInt32(), Is.EqualTo(accessLine));
        Assert.That(o.GetProperty("range").GetProperty("size").GetInt64(), Is.EqualTo(64));
        Assert.That(o.GetProperty("size").GetInt64(), Is.EqualTo(16));
        Assert.That(o.GetProperty("argument").GetString(), Is.EqualTo("p"));
        Assert.That(o.GetProperty("releaseSite").GetProperty("line").GetInt32(), Is.GreaterThan(0));
    }

    [Test]
    public void ReportPath_PercentP_BecomesPid()
    {
        string pattern = Path.Combine(_dir, "report.%p.json");

        ChildResult result = Scenario.RunWithOptions("native_use_after_free", $"report_format=json:report_path={pattern}");

        string expected = Path.Combine(_dir, $"report.{result.ProcessId}.json");
        Assert.That(File.Exists(expected), Is.True, $"{expected} missing; directory holds: {string.Join(", ", Directory.GetFiles(_dir))}\n{result}");
    }

    [Test]
    public void Sarif_Document_WithRulePerKindAndLocatedResults()
    {
        string path = Path.Combine(_dir, "report.sarif");
        ChildResult result = Scenario.RunWithOptions("many_kinds", $"report_format=sarif:report_path={path}");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(File.Exists(path), Is.True, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        Assert.That(root.GetProperty("$schema").GetString(), Does.Contain("sarif"));
        JsonElement runs = root.GetProperty("runs");
        Assert.That(runs.GetArrayLength(), Is.EqualTo(1));
        JsonElement driver = runs[0].GetProperty("tool").GetProperty("driver");
        Assert.That(driver.GetProperty("name").GetString(), Is.EqualTo("InteropGuard"));

        var rules = driver.GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("name").GetString());
        Assert.That(rules.Keys, Is.EquivalentTo(ExpectedIds), "one rule per kind seen");
        for (int i = 0; i < ExpectedIds.Length; i++) Assert.That(rules[ExpectedIds[i]], Is.EqualTo(ExpectedKinds[i]));

        var results = runs[0].GetProperty("results").EnumerateArray().ToList();
        Assert.That(results, Has.Count.EqualTo(4));
        var ruleIds = new List<string>();
        foreach (JsonElement r in results)
        {
            ruleIds.Add(r.GetProperty("ruleId").GetString()!);
            Assert.That(r.GetProperty("level").GetString(), Is.EqualTo("error"));
            Assert.That(r.GetProperty("message").GetProperty("text").GetString(), Is.Not.Empty);
            JsonElement physical = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            string uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!;
            Assert.That(Uri.UnescapeDataString(uri), Does.EndWith("InteropGuard.Scenarios/ScenarioTable.cs"));
            Assert.That(physical.GetProperty("region").GetProperty("startLine").GetInt32(), Is.GreaterThan(0));
        }
        Assert.That(ruleIds, Is.EqualTo(ExpectedIds));

        int uafLine = Scenario.LineOf("private static void NativeUseAfterFree()", "Guard.Check(p, 16);");
        Assert.That(results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region")
            .GetProperty("startLine").GetInt32(), Is.EqualTo(uafLine));
        Assert.That(results[0].TryGetProperty("relatedLocations", out JsonElement related) && related.GetArrayLength() >= 2,
            Is.True, "allocation and release sites as relatedLocations");

        // Code-scanning tools map locations onto the repository: files inside it are relative to SRCROOT.
        string repositoryRoot = RepositoryRoot();
        JsonElement baseIds = runs[0].GetProperty("originalUriBaseIds");
        Assert.That(new Uri(baseIds.GetProperty("SRCROOT").GetProperty("uri").GetString()!).LocalPath,
            Is.EqualTo(repositoryRoot), "SRCROOT is the directory that holds .git");
        JsonElement artifact = results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.That(artifact.GetProperty("uriBaseId").GetString(), Is.EqualTo("SRCROOT"));
        Assert.That(artifact.GetProperty("uri").GetString(), Is.EqualTo("tests/InteropGuard.Scenarios/ScenarioTable.cs"));
        foreach (JsonElement rule in driver.GetProperty("rules").EnumerateArray())
            Assert.That(rule.GetProperty("help").GetProperty("text").GetString(), Does.Contain("INTEROPGUARD_OPTIONS=detect_"));
    }

    [Test]
    public void Sarif_SiteWithoutFile_HasNoPhysicalLocation()
    {
        // A Dispose() whose caller was not recorded: the related location keeps its message, no made-up URI.
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        buffer.Dispose();
        Violation v = Assert.Throws<InteropViolationException>(() => Guard.Check(p, 4))!.Violation;

        using JsonDocument doc = JsonDocument.Parse(SarifReportFormatter.Format([v]));

        JsonElement related = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("relatedLocations");
        JsonElement freed = related.EnumerateArray().Single(r => r.GetProperty("message").GetProperty("text").GetString()!.StartsWith("freed", StringComparison.Ordinal));
        Assert.That(freed.TryGetProperty("physicalLocation", out _), Is.False);
        Assert.That(freed.GetProperty("message").GetProperty("text").GetString(), Does.Contain("call site not recorded"));
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(Path.GetDirectoryName(Here.File())!); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, ".git")) || File.Exists(Path.Combine(d.FullName, ".git")))
                return d.FullName + Path.DirectorySeparatorChar;
        }

        throw new InvalidOperationException("the tests run from a git checkout");
    }
}
