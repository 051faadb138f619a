// RealLibrariesTests.cs: a correct program using real native libraries (SQLite, libgit2, Skia, zstd) through their NuGet
// packages, added with `dotnet add package` to a fresh `dotnet new console` app beside InteropGuard's, with compacting GCs
// in between, stays silent in mode 1, in mode 2 and under `interopguard run`.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class RealLibrariesTests
{
    // Five rounds of SQLite, git, Skia and zstd work: a few seconds per run, enough for dozens of 100 ms sweeps.
    private const string Rounds = "5";

    // The libraries' usual NuGet packages, exact versions. Skia's Linux build without fontconfig/freetype system
    // dependencies loads on a bare container.
    private static readonly (string Id, string Version)[] Libraries =
    [
        ("Microsoft.Data.Sqlite", "11.0.0"),
        ("LibGit2Sharp", "0.32.0"),
        ("SkiaSharp", "4.156.1"),
        ("SkiaSharp.NativeAssets.Linux.NoDependencies", "4.156.1"),
        ("ZstdNet", "1.5.7"),
    ];

    private ConsumerBuild? _app;
    private (int ExitCode, string Output) _build;

    [OneTimeSetUp]
    public void BuildTheApp()
    {
        string package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        _app = ConsumerBuild.CreateFresh(package, withPackage: true, Path.Combine("RealLibraries", "RealLibraries.cs"), Libraries);
        _build = _app.BuildFresh();
    }

    [OneTimeTearDown]
    public void DeleteTheApp() => _app?.Delete();

    [Test]
    public void Allows_RealLibraries_Mode1_ReportsNothing()
    {
        ConsumerBuild app = Built();
        string report = Path.Combine(app.ProjectDirectory, "mode1-report.txt");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "1",
            ["INTEROPGUARD_OPTIONS"] = "verbosity=1:report_path=" + report,
        }, Rounds);

        AssertSilentAndCorrect(exit, output, report);
        Assert.That(output, Does.Contain("InteropGuard: mode 1 (Boundary), enabled"), "InteropGuard ran\n" + output);
    }

    [Test]
    public void Allows_RealLibraries_Mode2_SweepsEvery100ms_ReportsNothing()
    {
        ConsumerBuild app = Built();
        string report = Path.Combine(app.ProjectDirectory, "mode2-report.txt");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "verbosity=1:validator_interval_ms=100:report_path=" + report,
        }, Rounds);

        AssertSilentAndCorrect(exit, output, report);
        Assert.That(output, Does.Contain("InteropGuard: mode 2 (Validator), enabled"), "InteropGuard ran\n" + output);
        Assert.That(output, Does.Match(@"InteropGuard: the validator \(pid \d+\) is ready"), "the validator attached\n" + output);
    }

    [Test]
    public void Allows_RealLibraries_UnderInteropguardRun_ReportsNothing()
    {
        ConsumerBuild app = Built();
        string report = Path.Combine(app.ProjectDirectory, "run-report.json");

        (int exit, string output) = app.RunUnderCli("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD_OPTIONS"] = "verbosity=1:validator_interval_ms=100",
        }, ["--report", "json", "--out", report], Rounds);

        AssertSilentAndCorrect(exit, output, report);
        Assert.That(output, Does.Contain("interopguard: no violations in dotnet "), output);
        Assert.That(output, Does.Contain("InteropGuard: mode 2 (Validator), enabled"), "InteropGuard ran\n" + output);
        Assert.That(output, Does.Match(@"InteropGuard: the validator \(pid \d+\) is ready"), "the validator attached\n" + output);
    }

    private ConsumerBuild Built()
    {
        Assert.That(_build.ExitCode, Is.EqualTo(0), "the app must restore and build with warnings as errors:\n" + _build.Output);
        return _app!;
    }

    // Zero reports on stderr and in the report file, every round's work checked by the program itself, exit code 0.
    // What InteropGuard says it cannot check (or warns about) is not a failure here, but it is recorded in the test's
    // output so a reader sees it.
    private static void AssertSilentAndCorrect(int exit, string output, string report)
    {
        string[] notes = output.Split('\n')
            .Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase) || l.Contains("not checked", StringComparison.OrdinalIgnoreCase))
            .Select(l => l.TrimEnd('\r'))
            .Distinct()
            .ToArray();
        TestContext.Out.WriteLine(notes.Length == 0 ? "InteropGuard said nothing it could not check." : "InteropGuard said:\n" + string.Join("\n", notes));
        TestContext.Out.WriteLine(output);

        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(File.Exists(report) ? File.ReadAllText(report) : "", Is.Empty, "the report file holds no report\n" + output);
        for (int round = 0; round < int.Parse(Rounds, System.Globalization.CultureInfo.InvariantCulture); round++)
        {
            Assert.That(output, Does.Contain($"round {round}: sqlite 200 rows, git {round + 1} commits, skia png, zstd ok"), output);
        }

        Assert.That(output, Does.Contain("checksums ok"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }
}
