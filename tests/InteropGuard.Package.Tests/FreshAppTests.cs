// FreshAppTests.cs: what a new user gets: `dotnet new console`, `dotnet add package InteropGuard`, plain [DllImport] and NativeLibrary code, no project edits; and `interopguard run` on the same app built without the package.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class FreshAppTests
{
    private ConsumerBuild? _withPackage;
    private string _withPackageLog = "";
    private ConsumerBuild? _withoutPackage;
    private string _package = "";

    [OneTimeSetUp]
    public void FindPackage()
    {
        _package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
    }

    [OneTimeTearDown]
    public void Delete()
    {
        _withPackage?.Delete();
        _withoutPackage?.Delete();
    }

    private static Dictionary<string, string?> Environment(string? mode, string? options = null) => new()
    {
        ["INTEROPGUARD"] = mode,
        ["INTEROPGUARD_OPTIONS"] = options,
        ["LD_LIBRARY_PATH"] = ConsumerBuild.NativeDirectory,
    };

    private ConsumerBuild WithPackage() => _withPackage ??= Built(withPackage: true, out _withPackageLog);

    private ConsumerBuild WithoutPackage() => _withoutPackage ??= Built(withPackage: false, out _);

    private ConsumerBuild Built(bool withPackage, out string log)
    {
        ConsumerBuild app = ConsumerBuild.CreateFresh(_package, withPackage);
        (int code, log) = app.BuildFresh();
        Assert.That(code, Is.EqualTo(0), "a fresh console app builds as dotnet new left it:\n" + log);
        Assert.That(File.ReadAllText(Path.Combine(app.ProjectDirectory, "Consumer.csproj")), Does.Not.Contain("AllowUnsafeBlocks"), "no project edit");
        return app;
    }

    private static int KeepLine => ConsumerFacts.LineOf("../FreshApp/Program.cs", "BUG: the library keeps");

    [Test]
    public void Detects_TheRetainedByteArray_WithOnlyThePackageReference()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2"), "retained");

        Assert.That(exit, Is.EqualTo(23), "a mode-2 process that reported exits with exit_code (23)\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: use-after-unpin"), output);
        Assert.That(output, Does.Contain($"pinned only for the P/Invoke call at Program.cs:{KeepLine}"),
            "the array argument was recorded as a call-scoped pin without AllowUnsafeBlocks in the project\n" + output);
        Assert.That(output, Does.Contain("libigsample.so"), output);
        Assert.That(output, Does.Not.Contain("warning"), output);
    }

    [Test]
    public void Detects_NothingWithTheChecksOff_SameApp()
    {
        (int exit, string output) = WithPackage().RunApp("Debug",
            Environment("2", "detect_use_after_unpin=0:detect_unpinned_managed_pointer=0:detect_dangling_managed_pointer=0"), "retained");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Allows_TheArrayPinnedWhileTheLibraryHoldsIt()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2"), "retained-pinned");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_ACollectedDelegateTheLibraryStillHolds_WithOnlyThePackageReference()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2"), "callback");

        Assert.That(exit, Is.EqualTo(23), "a mode-2 process that reported exits with exit_code (23)\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: collected-delegate-callback"), output);
        Assert.That(output, Does.Contain("libigsample.so"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_NoCollectedDelegateWithTheCheckOff_SameApp()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", "detect_collected_delegate_callback=0"), "callback");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
    }

    // Sweeps every 100 ms while the finalizer thread is held for a second with the delegate collected.
    private const string SweepOftenOptions = "validator_interval_ms=100:verbosity=1";

    [Test]
    public void Allows_ADelegateUnregisteredWithNull_ThenCollected_SweptBeforeItsFinalizerRuns()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", SweepOftenOptions), "callback-unregistered");

        Assert.That(output, Does.Contain("delegate collected"), output);
        Assert.That(output, Does.Match(@"InteropGuard validator: sweep \d+ \(timer\)"), "timer sweeps ran\n" + output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [Test]
    public void Detects_ACollectedDelegateTheLibraryStillHolds_SweptBeforeItsFinalizerRuns()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", SweepOftenOptions), "callback-held");

        Assert.That(output, Does.Contain("delegate collected"), output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: collected-delegate-callback"), output);
        Assert.That(output, Does.Contain("the data segment (.data/.bss) of libigsample.so"), output);
        Assert.That(output, Does.Contain("whose delegate the GC has collected"), "found before the finalizer released the range\n" + output);
        Assert.That(exit, Is.EqualTo(23), output);
    }

    [Test]
    public void Detects_NoCollectedDelegateSweptBeforeItsFinalizerRuns_WithTheCheckOff()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", SweepOftenOptions + ":detect_collected_delegate_callback=0"), "callback-held");

        Assert.That(output, Does.Contain("delegate collected"), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [Test]
    public void Allows_ADelegateKeptInAStaticWhileTheLibraryHoldsIt()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2"), "callback-kept");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // Sweeps every 100 ms while the program runs, pins older than 200 ms reported.
    private const string PinLeakOptions = "pin_leak_ms=200:validator_interval_ms=100:verbosity=1";

    [Test]
    public void Allows_ACallThatBlocksLongerThanPinLeakMs_ItsByteArrayArgumentIsNoLeakedPin()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", PinLeakOptions), "long-call");

        Assert.That(output, Does.Match(@"InteropGuard validator: sweep \d+ \(timer\)"), "timer sweeps ran during the call\n" + output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [Test]
    public void Detects_APinnedGCHandleHeldLongerThanPinLeakMs_SameOptions()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", PinLeakOptions), "pin-held");

        int line = ConsumerFacts.LineOf("../FreshApp/Program.cs", "pinned long outside any call");
        Assert.That(output, Does.Contain("ERROR: InteropGuard: leaked-pin"), output);
        Assert.That(output, Does.Contain($"made at Program.cs:{line} has been alive for"), output);
        Assert.That(exit, Is.EqualTo(23), output);
    }

    [Test]
    public void Detects_NoPinHeldLongerThanPinLeakMs_WithTheCheckOff()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", PinLeakOptions + ":detect_leaked_pin=0"), "pin-held");

        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [Test]
    public void Detects_APointerKeptThroughNativeLibraryAndAFunctionPointer_TheValidatorStartsBeforeMain()
    {
        (int exit, string output) = WithPackage().RunApp("Debug", Environment("2", "verbosity=1"), "function-pointer");

        Assert.That(exit, Is.EqualTo(23), "a mode-2 process that reported exits with exit_code (23)\n" + output);
        Assert.That(output, Does.Match(@"InteropGuard validator: sweep 1 \(start\)"), "the module initializer had the validator sweep before Main\n" + output);
        // The validator is another process writing to the same stderr, and Console.Error writes a long line in pieces: its
        // lines can land inside the start-up line, so they are taken out before the line is matched.
        string ownLines = Regex.Replace(output, @"InteropGuard validator: [^\n]*\n", "");
        Assert.That(ownLines, Does.Match(@"InteropGuard: mode 2 \(Validator\), enabled, validator pid \d+, .*; options: .*; not checked: "), "one start-up line\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: unpinned-managed-pointer"), output);
        Assert.That(output, Does.Contain("the data segment (.data/.bss) of libigsample.so"), output);
    }

    [Test]
    public void AQsortComparerOfAPrivateDelegateType_IsInterceptedInsideItsPartialClass_AndTheBuildNamesTheOneThatIsNot()
    {
        ConsumerBuild app = WithPackage();

        Assert.That(_withPackageLog, Does.Match(@"Program\.cs\(\d+,\d+\): warning IG1101: This call of PlainSorter\.QSort is not checked by InteropGuard"), _withPackageLog);
        Assert.That(_withPackageLog, Does.Not.Contain("This call of Sorter.QSort"), "the partial class hosts its wrapper\n" + _withPackageLog);
        (int exit, string output) = app.RunApp("Debug", Environment("1", "verbosity=1"), "qsort");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("1,2,3 4,5,6"), output);
        Assert.That(output, Does.Contain("not checked: Consumer: 1 P/Invoke call site(s) not intercepted (IG1101: 1)"), "the start-up line repeats the gap\n" + output);
        Assert.That(ConsumerFacts.TypeNames(app.AssemblyPath("Debug")), Has.Member(".InteropGuardInterceptors"), "a nested class of Sorter holds the wrapper");
    }

    [Test]
    public void Run_DetectsTheRetainedByteArray_InAnAppBuiltWithoutThePackage()
    {
        ConsumerBuild app = WithoutPackage();
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(app.AssemblyPath("Debug"))!, "InteropGuard.dll")), Is.False, "no package in this build");

        (int exit, string output) = app.RunCommand(Environment(null), "dotnet", Cli, "run", "--", "dotnet", app.AssemblyPath("Debug"), "retained");

        Assert.That(exit, Is.EqualTo(1), "run exits 1 on findings\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: unpinned-managed-pointer"), output);
        Assert.That(output, Does.Contain("libigsample.so"), output);
        Assert.That(output, Does.Contain("the program was built without the InteropGuard package"), output);
        Assert.That(output, Does.Contain("the call-boundary checks need the package"), output);
    }

    [Test]
    public void Run_ReportsNothingWithTheCheckOff_AppWithoutThePackage()
    {
        ConsumerBuild app = WithoutPackage();

        (int exit, string output) = app.RunCommand(Environment(null, "detect_unpinned_managed_pointer=0:detect_dangling_managed_pointer=0"),
            "dotnet", Cli, "run", "--", "dotnet", app.AssemblyPath("Debug"), "retained");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
    }

    [Test]
    public void Run_AllowsThePinnedArray_AppWithoutThePackage()
    {
        ConsumerBuild app = WithoutPackage();

        (int exit, string output) = app.RunCommand(Environment(null), "dotnet", Cli, "run", "--", "dotnet", app.AssemblyPath("Debug"), "retained-pinned");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(output, Does.Contain("no violations"), output);
    }

    /// <summary>The tool as Pack publishes it.</summary>
    private static string Cli => Path.Combine(ConsumerBuild.RepoRoot, "artifacts", "validator", "InteropGuard.Cli.dll");
}
