// ReleaseModePackageTests.cs: the package's release mode end to end: a fresh app built Release with -p:InteropGuardRelease=true
// gets light interceptors and runs in release mode by default; a pointer into a disposed pin is reported at its [DllImport] call.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

/// <summary>One Release build of ConsumerApp/ReleaseMode.cs with InteropGuardRelease=true, shared by every case (a
/// restore and a build cost ~15 s); the cases run it with different arguments and environments.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ReleaseModePackageTests
{
    private const string Configuration = "Release";
    private const string Source = "ReleaseMode.cs";

    private ConsumerBuild? _app;
    private int _buildExit;
    private string _buildLog = "";

    [OneTimeSetUp]
    public void BuildOnce()
    {
        string package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        _app = ConsumerBuild.Create(package, Source);
        (_buildExit, _buildLog) = _app.Build(Configuration, "-p:InteropGuardRelease=true");
    }

    [OneTimeTearDown]
    public void DeleteBuild() => _app?.Delete();

    private ConsumerBuild App
    {
        get
        {
            Assert.That(_buildExit, Is.EqualTo(0), "the consumer app must build with warnings as errors:\n" + _buildLog);
            return _app!;
        }
    }

    private string Output => Path.GetDirectoryName(App.AssemblyPath(Configuration))!;

    private (int ExitCode, string Output) Run(Dictionary<string, string?> environment, params string[] arguments) =>
        App.RunApp(Configuration, environment, arguments);

    [Test]
    public void Build_HasLightInterceptors_TheReleaseModeKnob_AndNoValidator()
    {
        string assembly = App.AssemblyPath(Configuration);
        List<string> generated = ConsumerFacts.MethodNames(assembly, "InteropGuard.Generated");
        Assert.That(generated, Has.Some.StartsWith("Intercept"), "the [DllImport] call with an nint argument is intercepted\n" + string.Join(", ", generated));
        Assert.That(generated.Where(m => m.StartsWith("Guarded", StringComparison.Ordinal)), Is.Empty, "light interceptors have no full wrapper behind them");

        string config = File.ReadAllText(Path.Combine(Output, "Consumer.runtimeconfig.json"));
        Assert.That(config, Does.Match("\"InteropGuard.DefaultMode\":\\s*\"release\""), config);
        Assert.That(Directory.Exists(Path.Combine(Output, "interopguard")), Is.False, "release mode never starts the validator: it is not copied");
    }

    [Test]
    public void Detects_UseAfterUnpin_AtTheDllImportCall_InReleaseModeByDefault()
    {
        (int exit, string output) = Run([]);
        TestContext.Out.WriteLine(output);

        int line = ConsumerFacts.LineOf(Source, "BUG: the pin was disposed");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("mode Release"), "the build's default (runtimeconfig knob) selects release mode\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: use-after-unpin on address 0x"), output);
        Assert.That(output, Does.Contain("[P/Invoke] Native.Sum(nint p, nuint n)"), "the report names the P/Invoke\n" + output);
        Assert.That(output, Does.Contain($"Program.cs:{line}"), "the report names the user's call site\n" + output);
        Assert.That(output, Does.Contain("caught use-after-unpin"), output);
        Assert.That(output, Does.Not.Contain("sum "), "the exception is thrown before the native call runs\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_NothingWithINTEROPGUARD0_SameBuggyRun()
    {
        (int exit, string output) = Run(new() { ["INTEROPGUARD"] = "0" });

        AssertSilent(exit, output);
        Assert.That(output, Does.Contain("mode Off"), "INTEROPGUARD wins over the build's default\n" + output);
    }

    [Test]
    public void Detects_NothingWhenTheCheckIsOff_SameBuggyRun()
    {
        (int exit, string output) = Run(new() { ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0" });

        AssertSilent(exit, output);
        Assert.That(output, Does.Contain("mode Release"), output);
    }

    [Test]
    public void Allows_TheLivePin_ReportsNothing()
    {
        (int exit, string output) = Run([], "fixed");

        AssertSilent(exit, output);
        Assert.That(output, Does.Contain("mode Release"), output);
    }

    private static void AssertSilent(int exit, string output)
    {
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Not.Contain("caught"), output);
        Assert.That(output, Does.Contain("sum 192"), "the native call ran and read the array\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }
}
