// PackageEndToEndTests.cs: the promise of the package, end to end: one PackageReference in Debug, no InteropGuard code,
// and plain [DllImport]/[LibraryImport] calls with a lifetime bug are reported; fixed code is silent; Release is untouched.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class PackageEndToEndTests
{
    private string _package = "";
    private readonly List<ConsumerBuild> _builds = [];
    private readonly Dictionary<(string, string), (ConsumerBuild App, int ExitCode, string Output)> _byVariant = [];

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

    // Mode 2: the array is pinned only for the call (the generated wrapper records that call-scoped pin with the call
    // site); the library's .bss still points into it afterwards. The validator, copied into the app's output by the
    // package, finds the word at the exit sweep at the latest and names the call that pinned the array.
    private static readonly Dictionary<string, string?> Mode2 = new() { ["INTEROPGUARD"] = "2" };

    // exit_code's default in mode 2 (docs/design/options.md): a process that reported anything exits with it.
    private const int FindingsExitCode = 23;

    [Test]
    public void Detects_PointerKeptPastThePInvoke_InAFreshAppWithOnlyThePackage()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", Mode2);

        Assert.That(exit, Is.EqualTo(FindingsExitCode), "a run with findings fails (exit_code, mode 2's default)\n" + output);
        Assert.That(output, Does.Contain($"exit code {FindingsExitCode} instead of 0"), "the changed exit status is explained\n" + output);
        int keepLine = ConsumerFacts.LineOf("Buggy.cs", "BUG: the library keeps");
        Assert.That(output, Does.Match("ERROR: InteropGuard: (use-after-unpin|unpinned-managed-pointer)"), output);
        Assert.That(output, Does.Contain("libigsample.so"), "the report names the library whose data holds the pointer\n" + output);
        Assert.That(output, Does.Contain($"Program.cs:{keepLine}"), "the report names the user's [DllImport] call that pinned the array\n" + output);
        Assert.That(output, Does.Contain($"pinned only for the P/Invoke call at Program.cs:{keepLine}"), output);
        Assert.That(output, Does.Contain("the marshaller pinned only for the call"), "the hint fits a call-scoped pin\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_NothingWhenTheChecksAreOff_SameBuggyApp()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0:detect_unpinned_managed_pointer=0:detect_dangling_managed_pointer=0",
        });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_FindingsButKeepsTheExitStatus_WithExitCodeZero()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "exit_code=0",
        });

        Assert.That(output, Does.Match("ERROR: InteropGuard: (use-after-unpin|unpinned-managed-pointer)"), output);
        Assert.That(exit, Is.EqualTo(0), "exit_code=0 keeps the program's own exit status\n" + output);
        Assert.That(output, Does.Not.Contain("instead of 0"), output);
    }

    [Test]
    public void BadOptions_ProgramAndValidatorReadThemAlike_WarnOnce_KeepTheChecks()
    {
        ConsumerBuild app = Build("Buggy.cs", "Debug");

        // Upper-case keys are not the option names: the program warns and keeps the checks on, and its validator (which
        // once lower-cased keys and turned them off) reads the string the same way, silently.
        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "DETECT_USE_AFTER_UNPIN=0:DETECT_UNPINNED_MANAGED_POINTER=0:max_redzone=16:redzone=2048:verbosity=\u001b[2J",
        });

        Assert.That(exit, Is.EqualTo(FindingsExitCode), "the checks stayed on, so the run fails on its finding\n" + output);
        Assert.That(output, Does.Match("ERROR: InteropGuard: (use-after-unpin|unpinned-managed-pointer)"), output);
        string[] warnings = output.Split('\n').Where(l => l.Contains("warning", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "InteropGuard: warning: unknown option 'DETECT_USE_AFTER_UNPIN' in INTEROPGUARD_OPTIONS is ignored; valid options: " + string.Join(", ", OptionNames()),
            "InteropGuard: warning: unknown option 'DETECT_UNPINNED_MANAGED_POINTER' in INTEROPGUARD_OPTIONS is ignored; valid options: " + string.Join(", ", OptionNames()),
            "InteropGuard: warning: bad value '\\x1b[2J' for option verbosity; valid values: a decimal integer from 0 to 3; keeping verbosity=0",
            "InteropGuard: warning: max_redzone=16 is below redzone=2048; using max_redzone=2048",
        }), output);
        Assert.That(output.Contains('\u001b', StringComparison.Ordinal), Is.False, "no raw control character is echoed\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // The option names in table order, from the documentation the user reads (docs/design/options.md).
    private static IEnumerable<string> OptionNames() =>
        File.ReadLines(Path.Combine(ConsumerBuild.RepoRoot, "docs", "design", "options.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l[3..l.IndexOf('`', 3)]);

    [Test]
    public void Allows_TheFixedApp_ReportsNothing()
    {
        ConsumerBuild app = Build("Fixed.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", Mode2);

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Not.Contain("warning"), "the validator was found and ran\n" + output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(ConsumerFacts.References(app.AssemblyPath("Debug")), Does.Contain("InteropGuard"), "Debug builds are intercepted");
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(app.AssemblyPath("Debug"))!, "interopguard", "InteropGuard.Cli.dll")),
            "the package copies the validator into the Debug output");
    }

    // Buggy.cs with the array on the pinned object heap: the library's .bss still points into it after the call, which
    // is correct (a POH array never moves); silent in mode 2 (the validator sweeps) and in mode 1 (the boundary checks).
    [TestCase("2")]
    [TestCase("1")]
    public void Allows_APohArrayALibraryKeepsPastThePInvoke(string mode)
    {
        ConsumerBuild app = Build("PohKept.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = mode });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("sum 192"), "the library read the array through the pointer it kept\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // A pinned GCHandle of a pinned-object-heap array, freed, then the array's address passed to a later call: correct
    // (the array never moves). The generator notes the GC.AllocateArray(..., pinned: true) call, so mode 1's boundary
    // check stays silent as the validator does in mode 2.
    [TestCase("1")]
    [TestCase("2")]
    public void Allows_APohArrayPassedAfterItsPinnedHandleWasFreed(string mode)
    {
        ConsumerBuild app = Build("PohPinFreed.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = mode });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("again 192"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // The same app with an ordinary array: the later call is a use-after-unpin at the boundary (mode 1), naming the call.
    [Test]
    public void Detects_AnOrdinaryArrayPassedAfterItsPinnedHandleWasFreed_InMode1()
    {
        ConsumerBuild app = Build("PohPinFreed.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" }, "bug");

        Assert.That(exit, Is.Not.EqualTo(0), "the violation is thrown before the call runs\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: use-after-unpin"), output);
        Assert.That(output, Does.Contain($"Program.cs:{ConsumerFacts.LineOf("PohPinFreed.cs", "Console.WriteLine(\"again ")}"), output);
        Assert.That(output, Does.Not.Contain("again "), output);
    }

    [Test]
    public void Detects_AnOrdinaryArrayPassedAfterItsPinnedHandleWasFreed_IsOffWithItsOption()
    {
        ConsumerBuild app = Build("PohPinFreed.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "1",
            ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0",
        }, "bug");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // A pinned GCHandle made on the main thread and freed on another (a job's completion thread), its bytes checksummed
    // by Debian's libz: the pin's record
    // lives in the main thread's pin log and the worker ends it there, so the main thread's later call with the old
    // address is a use-after-unpin at the boundary (mode 1), naming that call.
    [Test]
    public void Detects_AnAddressPassedAfterAnotherThreadFreedItsPinnedHandle_InMode1()
    {
        ConsumerBuild app = Build("PinFreedElsewhere.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" }, "bug");

        Assert.That(exit, Is.Not.EqualTo(0), "the violation is thrown before the call runs\n" + output);
        Assert.That(output, Does.Contain("ERROR: InteropGuard: use-after-unpin"), output);
        Assert.That(output, Does.Contain($"Program.cs:{ConsumerFacts.LineOf("PinFreedElsewhere.cs", "BUG: the pin ended")}"), output);
        Assert.That(output, Does.Match("crc [0-9]+"), "the call made while pinned ran\n" + output);
        Assert.That(output, Does.Not.Contain("again "), output);
    }

    [Test]
    public void Detects_AnAddressPassedAfterAnotherThreadFreedItsPinnedHandle_IsOffWithItsOption()
    {
        ConsumerBuild app = Build("PinFreedElsewhere.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "1",
            ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0",
        }, "bug");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // The fixed app: after the other thread freed the handle the array itself is passed, pinned by the marshaller for
    // that call; silent in both modes.
    [TestCase("1")]
    [TestCase("2")]
    public void Allows_TheArrayPassedItselfAfterAnotherThreadFreedItsPinnedHandle(string mode)
    {
        ConsumerBuild app = Build("PinFreedElsewhere.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = mode });

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Match("crc ([0-9]+)\\s+again \\1\\s"), "the same bytes, the same checksum\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // Mode 2, a fresh delegate per qsort call and forced GCs: the delegates are call-scoped (used only during the call),
    // so their collection is no finding, however many there are.
    [Test]
    public void Allows_AFreshDelegatePerQsortCall_WithForcedGCs_InMode2()
    {
        ConsumerBuild app = Build("Callbacks.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", Mode2);

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Not.Contain("warning"), "the validator was found and ran\n" + output);
        Assert.That(output, Does.Contain("done"), output);
    }

    // The same app, plus one delegate a library keeps in a C static and nothing keeps alive: the validator's scan of the
    // library's data finds the function pointer once the delegate was collected (the exit sweep at the latest).
    [Test]
    public void Detects_ADelegateALibraryKeptInAStatic_AfterItWasCollected_InMode2()
    {
        ConsumerBuild app = Build("Callbacks.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", Mode2, "keep");

        Assert.That(exit, Is.EqualTo(23), "a mode-2 process that reported exits with exit_code (23)\n" + output);
        int keepLine = ConsumerFacts.LineOf("Callbacks.cs", "Native.Keep((a, b)");
        Assert.That(output, Does.Contain("ERROR: InteropGuard: collected-delegate-callback"), output);
        Assert.That(output, Does.Contain("libigsample.so"), "the report names the library whose data holds the pointer\n" + output);
        Assert.That(output, Does.Contain($"passed to native code for the P/Invoke call at Program.cs:{keepLine}"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Detects_ADelegateALibraryKeptInAStatic_IsOffWithItsOption()
    {
        ConsumerBuild app = Build("Callbacks.cs", "Debug");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "detect_collected_delegate_callback=0",
        }, "keep");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
    }

    [Test]
    public void Release_Build_ContainsNoGeneratedCode()
    {
        ConsumerBuild app = Build("Buggy.cs", "Release");

        string assembly = app.AssemblyPath("Release");
        Assert.That(ConsumerFacts.References(assembly), Does.Not.Contain("InteropGuard"), "a Release build must not reference the runtime");
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(assembly)!, "interopguard", "InteropGuard.Cli.dll")), Is.False,
            "no validator copied into a Release build");
        Assert.That(ConsumerFacts.TypeNames(assembly).Where(n => n.Contains("InteropGuard", StringComparison.Ordinal) || n.EndsWith("InterceptsLocationAttribute", StringComparison.Ordinal)),
            Is.Empty, "a Release build must contain no generated interceptors");
    }

    // One build per (variant, configuration) for the whole fixture: each costs a restore and a build (~15 s).
    private ConsumerBuild Build(string variant, string configuration)
    {
        if (!_byVariant.TryGetValue((variant, configuration), out var built))
        {
            ConsumerBuild created = ConsumerBuild.Create(_package, variant);
            _builds.Add(created);
            (int code, string log) = created.Build(configuration);
            built = (created, code, log);
            _byVariant[(variant, configuration)] = built;
        }

        Assert.That(built.ExitCode, Is.EqualTo(0), "the consumer app must build with warnings as errors:\n" + built.Output);
        return built.App;
    }
}
