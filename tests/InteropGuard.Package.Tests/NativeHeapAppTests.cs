// NativeHeapAppTests.cs: a fresh `dotnet new console` app with only the package reference and INTEROPGUARD=2, whose plain [DllImport]s of Debian's libz and libsqlite3 leave managed pointers and callbacks in those libraries' own heaps; each bug reported with the holding library named, each correct twin silent, each bug silent with native_heap=0.
using System;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class NativeHeapAppTests
{
    private ConsumerBuild? _app;

    [OneTimeSetUp]
    public void Build()
    {
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libz.so.1") || !File.Exists("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0"))
        {
            Assert.Ignore("Debian's libz1 and libsqlite3-0 are not installed");
        }

        string package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        _app = ConsumerBuild.CreateFresh(package, withPackage: true, Path.Combine("NativeHeapApp", "Program.cs"), []);
        (int code, string log) = _app.BuildFresh();
        Assert.That(code, Is.EqualTo(0), "a fresh console app builds as dotnet new left it:\n" + log);
    }

    [OneTimeTearDown]
    public void Delete() => _app?.Delete();

    private static Dictionary<string, string?> Mode2(string? options = null) => new()
    {
        ["INTEROPGUARD"] = "2",
        ["INTEROPGUARD_OPTIONS"] = options,
    };

    /// <summary>(scenario, library whose heap holds the pointer, what the report must name).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("zlib", "libz.so.1").SetArgDisplayNames("zlib deflateInit z_stream");
        yield return new TestCaseData("sqlite-static", "libsqlite3.so.0").SetArgDisplayNames("sqlite SQLITE_STATIC blob");
        yield return new TestCaseData("sqlite-function", "libsqlite3.so.0").SetArgDisplayNames("sqlite create_function delegate");
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_InTheLibrarysHeap(string scenario, string library)
    {
        (int exit, string output) = _app!.RunApp("Debug", Mode2(), scenario);
        TestContext.Out.WriteLine(output);

        Assert.That(exit, Is.EqualTo(23), "a mode-2 process that reported exits with exit_code (23)\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: "), output);
        Assert.That(output, Does.Match("-byte block of " + System.Text.RegularExpressions.Regex.Escape(library) + @"[.0-9]*'s heap"), "the holder is the library's own block\n" + output);
        Assert.That(output, Does.Contain("Holding block allocated by:\n  #0 "), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [TestCaseSource(nameof(Cases))]
    public void Allows_TheNearestCorrectCode(string scenario, string library)
    {
        (int exit, string output) = _app!.RunApp("Debug", Mode2(), scenario + "-ok");

        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_NothingInTheHeap_WithNativeHeapOff(string scenario, string library)
    {
        (int exit, string output) = _app!.RunApp("Debug", Mode2("native_heap=0"), scenario);

        Assert.That(output, Does.Not.Contain("'s heap"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.AnyOf(0, 23), output);
    }
}
