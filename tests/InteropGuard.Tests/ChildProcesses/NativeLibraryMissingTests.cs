// NativeLibraryMissingTests.cs - the runtime without libinteropguard.so: a copy of the scenario app without
// any .so and INTEROPGUARD_NATIVE_LIB pointing nowhere must warn once, listing the paths it tried, and run unguarded.
using System.Collections.Generic;
using System.IO;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.ChildProcesses;

public sealed class NativeLibraryMissingTests
{
    private string _dir = "";

    [OneTimeSetUp]
    public void CopyAppWithoutNativeLibraries()
    {
        _dir = Directory.CreateTempSubdirectory("ig-nonative-").FullName;
        foreach (string file in Directory.GetFiles(Scenario.Directory))
        {
            if (file.EndsWith(".so", System.StringComparison.Ordinal)) continue;
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_dir, recursive: true);

    private ChildResult Run(string scenario, string? nativeLib) =>
        ChildProcess.RunDotnet(Path.Combine(_dir, "InteropGuard.Scenarios.dll"), [scenario],
            new Dictionary<string, string?> { ["INTEROPGUARD_NATIVE_LIB"] = nativeLib });

    [Test]
    public void Missing_WarnsOnceListingSearchedPaths_AndRunsUnguarded()
    {
        const string nowhere = "/nonexistent/ig-test/libinteropguard.so";

        ChildResult result = Run("print_mode", nowhere);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("enabled=False"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("allocated 8"), "NativeBuffer still works without the library\n" + result);
        Assert.That(result.Stderr, Does.Contain(nowhere), "the warning lists INTEROPGUARD_NATIVE_LIB\n" + result);
        Assert.That(result.Stderr, Does.Contain(_dir), "the warning lists the app directory\n" + result);
        Assert.That(result.Stderr.Split(nowhere).Length - 1, Is.EqualTo(1), "one warning\n" + result);
    }

    [Test]
    public void ExplicitPath_IsUsed()
    {
        string real = Path.Combine(Scenario.Directory, "libinteropguard.so");

        ChildResult result = Run("print_mode", real);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("enabled=True"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }
}
