// LeakAtExitTests.cs: like LeakSanitizer, a pinned GCHandle the user's code allocated and never freed is reported as leaked-pin by the exit sweep of mode 2, by default; the same code freeing it is silent; with detect_leaked_pin=0 nothing is reported.
using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class LeakAtExitTests
{
    private const int FindingsExitCode = 23; // exit_code's default in mode 2
    private readonly Dictionary<string, ConsumerBuild> _built = [];

    [OneTimeTearDown]
    public void DeleteBuilds()
    {
        foreach (ConsumerBuild build in _built.Values)
        {
            build.Delete();
        }
    }

    [Test]
    public void Detects_APinnedGCHandleNeverFreed_AtExit()
    {
        ConsumerBuild app = Build("PinLeak.cs");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = "2" });

        int allocLine = ConsumerFacts.LineOf("PinLeak.cs", "BUG: never freed");
        Assert.That(output, Does.Contain("ERROR: InteropGuard: leaked-pin"), output);
        Assert.That(output, Does.Contain($"a pin of 256 bytes"), output);
        Assert.That(output, Does.Contain($"made at Program.cs:{allocLine} is still alive at exit"), "the report names the GCHandle.Alloc call\n" + output);
        Assert.That(output, Does.Contain("SUMMARY: InteropGuard: leaked-pin"), output);
        Assert.That(exit, Is.EqualTo(FindingsExitCode), output);
    }

    [Test]
    public void Detects_NothingWhenTheCheckIsOff_SameLeak()
    {
        ConsumerBuild app = Build("PinLeak.cs");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "2",
            ["INTEROPGUARD_OPTIONS"] = "detect_leaked_pin=0",
        });

        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [Test]
    public void Allows_APinnedGCHandleFreedBeforeExit()
    {
        ConsumerBuild app = Build("PinFreed.cs");

        (int exit, string output) = app.RunApp("Debug", new Dictionary<string, string?> { ["INTEROPGUARD"] = "2" });

        Assert.That(output, Does.Not.Contain("ERROR: InteropGuard"), output);
        Assert.That(output, Does.Contain("done"), output);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    // One build per variant for the fixture (each costs a restore and a build).
    private ConsumerBuild Build(string variant)
    {
        if (!_built.TryGetValue(variant, out ConsumerBuild? app))
        {
            string package = ConsumerBuild.FindPackage()
                ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
            app = ConsumerBuild.Create(package, variant);
            _built[variant] = app;
            (int code, string log) = app.Build("Debug");
            Assert.That(code, Is.EqualTo(0), "the consumer app must build with warnings as errors:\n" + log);
        }

        return app;
    }
}
