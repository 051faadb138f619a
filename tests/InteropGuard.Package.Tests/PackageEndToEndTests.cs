// PackageEndToEndTests.cs: the promise of the package, end to end: one PackageReference in Debug, no InteropGuard code,
// and plain [DllImport]/[LibraryImport] calls with a lifetime bug are reported; fixed code is silent; Release is untouched.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class PackageEndToEndTests
{
    private string _package = "";
    private readonly List<ConsumerBuild> _builds = [];

    [OneTimeSetUp]
    public void FindPackage()
    {
        _package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
    }

    [OneTimeTearDown]
    public void DeleteBuilds()
    {
        foreach (ConsumerBuild build in _builds)
        {
            build.Delete();
        }
    }

    [Test]
    public void Detects_LifetimeBug_InPlainPInvokeCalls_OfAFreshApp()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>());

        Assert.That(exit, Is.EqualTo(0), output);
        int libraryImportLine = LineOf("Buggy.cs", "BUG (LibraryImport)");
        int dllImportLine = LineOf("Buggy.cs", "BUG (DllImport)");
        Assert.That(output, Does.Contain("ERROR: InteropGuard: use-after-unpin"), output);
        Assert.That(output, Does.Contain($"Program.cs:{libraryImportLine}"), "the report names the user's LibraryImport call site\n" + output);
        Assert.That(output, Does.Contain($"Program.cs:{dllImportLine}"), "the report names the user's DllImport call site\n" + output);
        Assert.That(output, Does.Contain("caught InteropViolationException"), output);
        Assert.That(output, Does.Contain("done, 2 calls failed"), output);
    }

    [Test]
    public void Detects_NothingWhenTheCheckIsOff_SameBuggyApp()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0" });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done, 0 calls failed"), output);
    }

    [Test]
    public void Allows_TheFixedApp_ReportsNothing()
    {
        ConsumerBuild app = Build("Fixed.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>());

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done, 0 calls failed"), output);
        Assert.That(References(app.AssemblyPath("Debug")), Does.Contain("InteropGuard"), "Debug builds are intercepted");
    }

    [Test]
    public void Release_Build_ContainsNoGeneratedCode()
    {
        ConsumerBuild app = Build("Buggy.cs", "Release");

        string assembly = app.AssemblyPath("Release");
        Assert.That(References(assembly), Does.Not.Contain("InteropGuard"), "a Release build must not reference the runtime");
        Assert.That(TypeNames(assembly).Where(n => n.Contains("InteropGuard", StringComparison.Ordinal) || n.EndsWith("InterceptsLocationAttribute", StringComparison.Ordinal)),
            Is.Empty, "a Release build must contain no generated interceptors");
    }

    private ConsumerBuild Build(string variant, string configuration)
    {
        ConsumerBuild app = ConsumerBuild.Create(_package, variant);
        _builds.Add(app);
        (int exit, string output) = app.Build(configuration);
        Assert.That(exit, Is.EqualTo(0), "the consumer app must build with warnings as errors:\n" + output);
        return app;
    }

    private static int LineOf(string source, string marker)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ConsumerApp", source));
        int index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"marker '{marker}' not in {source}");
        return index + 1;
    }

    private static List<string> References(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        MetadataReader md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    private static List<string> TypeNames(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        MetadataReader md = pe.GetMetadataReader();
        return md.TypeDefinitions.Select(h => md.GetTypeDefinition(h))
            .Select(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name)).ToList();
    }
}
