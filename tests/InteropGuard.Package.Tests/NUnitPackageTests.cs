// NUnitPackageTests.cs: `dotnet test` on a `dotnet new nunit` project with InteropGuard.NUnit fails, naming the test that handed a library an array it keeps; the correct tests beside it pass; with the checks off the run is green.
using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class NUnitPackageTests
{
    private const string BuggyTest = "HandsAnArrayToALibraryThatKeepsIt";
    private TestProjectBuild? _project;

    [OneTimeSetUp]
    public void CreateProject()
    {
        string version = ConsumerBuild.FindPackage() is { } package
            ? System.IO.Path.GetFileNameWithoutExtension(package)["InteropGuard.".Length..]
            : throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        (TestProjectBuild project, int code, string log) = TestProjectBuild.Create("InteropGuard.NUnit", version, "NUnitSuite.cs");
        _project = project;
        Assert.That(code, Is.EqualTo(0), "dotnet new nunit + dotnet add package InteropGuard.NUnit:\n" + log);
    }

    [OneTimeTearDown]
    public void DeleteProject() => _project?.Delete();

    [Test]
    public void Detects_TheTestThatLeftAFinding_FailsByName()
    {
        (int exit, string output) = _project!.Test(new Dictionary<string, string?> { ["INTEROPGUARD"] = "2" });

        Assert.That(exit, Is.Not.EqualTo(0), "dotnet test fails\n" + output);
        Assert.That(output, Does.Contain("Failed " + BuggyTest), "the test that handed the array over is the one that fails\n" + output);
        Assert.That(output, Does.Contain("InteropGuard reported 1 violation(s) while this test ran"), output);
        Assert.That(output, Does.Match("ERROR: InteropGuard: (use-after-unpin|unpinned-managed-pointer)"), output);
        Assert.That(output, Does.Match(@"Failed:\s+1, Passed:\s+2"), "the correct tests beside it pass\n" + output);
        Assert.That(Regex.Matches(output, @"^\s*Failed \w+", RegexOptions.Multiline), Has.Count.EqualTo(1), output);
    }

    [Test]
    public void Detects_NothingWhenTheChecksAreOff_SameTests()
    {
        (int exit, string output) = _project!.Test(new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0:detect_unpinned_managed_pointer=0:detect_dangling_managed_pointer=0",
        });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"Failed:\s+0, Passed:\s+3"), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
    }

    [Test]
    public void Allows_EveryTest_InMode1()
    {
        // Mode 1 (the default) has no validator: nothing in these tests is wrong at a call boundary.
        (int exit, string output) = _project!.Test(new Dictionary<string, string?>());

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"Failed:\s+0, Passed:\s+3"), output);
    }

    [Test]
    public void Warns_WhenTheAttributeIsLeftOff_ThatTheRunCannotFail()
    {
        (int exit, string output) = _project!.Test(new Dictionary<string, string?> { ["INTEROPGUARD"] = "2" }, "-p:InteropGuardNUnitPerTest=false");

        Assert.That(output, Does.Contain("this is a VSTest host (dotnet test)"), "never silent: the user learns the run cannot fail on findings\n" + output);
        Assert.That(output, Does.Contain("Reference the InteropGuard.NUnit package"), output);
        Assert.That(exit, Is.EqualTo(0), "without the attribute the VSTest run stays green (the limit the warning names)\n" + output);
    }
}
