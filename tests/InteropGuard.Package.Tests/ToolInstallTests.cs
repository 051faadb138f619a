// ToolInstallTests.cs: `dotnet tool install` of dotnet-interopguard from the packed feed into a fresh tool path works, and the installed `interopguard` answers --version and runs a program with a lifetime bug (exit 1, the finding named).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class ToolInstallTests
{
    private string _root = "";
    private string _tool = "";
    private string _version = "";

    [OneTimeSetUp]
    public void Install()
    {
        string feed = Path.Combine(ConsumerBuild.RepoRoot, "artifacts", "packages");
        string? package = Directory.Exists(feed) ? Directory.GetFiles(feed, "dotnet-interopguard.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
        if (package is null)
        {
            throw new InvalidOperationException("No dotnet-interopguard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        }

        _version = Path.GetFileNameWithoutExtension(package)["dotnet-interopguard.".Length..];
        _root = Path.Combine(Path.GetTempPath(), "ig-tool-" + Guid.NewGuid().ToString("N")[..8]);
        string toolPath = Path.Combine(_root, "tools");
        Directory.CreateDirectory(_root);
        (int code, string output) = DotnetCommand.Run(_root, Path.Combine(_root, "packages"), "dotnet",
            ["tool", "install", "--tool-path", toolPath, "--add-source", feed, "dotnet-interopguard", "--version", _version]);
        Assert.That(code, Is.EqualTo(0), "dotnet tool install:\n" + output);
        _tool = Path.Combine(toolPath, "interopguard");
        Assert.That(File.Exists(_tool), "the tool's command is in the tool path\n" + output);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Test]
    public void InstalledTool_PrintsItsVersion()
    {
        (int code, string output) = DotnetCommand.Run(_root, Path.Combine(_root, "packages"), _tool, ["--version"]);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith(_version), output);
    }

    [Test]
    public void Detects_InstalledToolRun_FailsOnTheRetainedArray()
    {
        string package = ConsumerBuild.FindPackage() ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages.");
        ConsumerBuild app = ConsumerBuild.Create(package, "Buggy.cs");
        try
        {
            (int built, string log) = app.Build("Debug");
            Assert.That(built, Is.EqualTo(0), log);

            (int code, string output) = DotnetCommand.Run(app.ProjectDirectory, Path.Combine(_root, "packages"), _tool,
                ["run", "--", "dotnet", app.AssemblyPath("Debug")]);

            Assert.That(code, Is.EqualTo(1), "run exits 1 when the program reported anything\n" + output);
            Assert.That(output, Does.Match(@"interopguard: 1 violation \((use-after-unpin|unpinned-managed-pointer) x1\)"), output);
        }
        finally
        {
            app.Delete();
        }
    }

    [Test]
    public void Allows_InstalledToolRun_OfTheFixedApp()
    {
        string package = ConsumerBuild.FindPackage() ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages.");
        ConsumerBuild app = ConsumerBuild.Create(package, "Fixed.cs");
        try
        {
            (int built, string log) = app.Build("Debug");
            Assert.That(built, Is.EqualTo(0), log);

            (int code, string output) = DotnetCommand.Run(app.ProjectDirectory, Path.Combine(_root, "packages"), _tool,
                ["run", "--", "dotnet", app.AssemblyPath("Debug")]);

            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("interopguard: no violations"), output);
        }
        finally
        {
            app.Delete();
        }
    }
}
