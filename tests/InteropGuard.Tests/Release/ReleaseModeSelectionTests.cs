// ReleaseModeSelectionTests.cs - how a process gets into release mode and what that sets, in child processes:
// INTEROPGUARD=release, the runtimeconfig knob InteropGuard.DefaultMode (and INTEROPGUARD overriding it), the native
// library initialised in release mode (ig_release_mode, sample_rate 20000 unless the options say otherwise), and the
// per-call bookkeeping release mode leaves out (call-scoped pins, callbacks, SafeHandles), against mode 1.
using System.Collections.Generic;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

public sealed class ReleaseModeSelectionTests
{
    [TestCase("release")]
    [TestCase("RELEASE")]
    public void InteropGuardRelease_GivesReleaseMode_Silently(string value)
    {
        ChildResult result = Scenario.Run("print_mode", new Dictionary<string, string?> { ["INTEROPGUARD"] = value });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Release enabled=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("allocated 8"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [Test]
    public void ReleaseMode_InitialisesTheNativeLibraryInReleaseMode_WithSampleRate20000()
    {
        ChildResult result = ReleaseRun.Run("release_native_state");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Release enabled=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("native release mode=1 sample_rate=20000"), result.ToString());
    }

    [Test]
    public void ReleaseMode_SampleRateFromOptions_Wins()
    {
        ChildResult result = ReleaseRun.Run("release_native_state", "sample_rate=9");

        Assert.That(result.Stdout, Does.Contain("native release mode=1 sample_rate=9"), result.ToString());
    }

    [Test]
    public void Mode1_NativeLibraryIsNotInReleaseMode()
    {
        ChildResult result = Scenario.Run("release_native_state", new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" });

        Assert.That(result.Stdout, Does.Contain("mode=Boundary enabled=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("native release mode=0 sample_rate=0"), result.ToString());
    }

    [Test]
    public void RuntimeConfigKnob_Release_GivesReleaseMode()
    {
        ChildResult result = ReleaseRun.RunWithDefaultMode("release_native_state", "release", mode: null);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Release enabled=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("native release mode=1 sample_rate=20000"), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [TestCase("1", "mode=Boundary enabled=True", "native release mode=0")]
    [TestCase("0", "mode=Off enabled=False", null)]
    public void RuntimeConfigKnob_IsOverriddenByInteropGuard(string mode, string expected, string? native)
    {
        ChildResult result = ReleaseRun.RunWithDefaultMode(mode == "0" ? "print_mode" : "release_native_state", "release", mode);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain(expected), result.ToString());
        if (native != null) Assert.That(result.Stdout, Does.Contain(native), result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    [Test]
    public void RuntimeConfigKnob_Invalid_WarnsAndUsesBoundary()
    {
        ChildResult result = ReleaseRun.RunWithDefaultMode("print_mode", "sometimes", mode: null);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("mode=Boundary enabled=True"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("the build's default mode 'sometimes' (InteropGuard.DefaultMode in runtimeconfig.json) is not a valid mode"), result.ToString());
    }

    [Test]
    public void ReleaseMode_WrappersRecordNoCallScopedPinCallbackOrHandle()
    {
        ChildResult result = ReleaseRun.Run("release_call_scoped_tracking");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("pin id=0 pinned range known=False"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("callback range known=False"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("handle entered=False"), result.ToString());
    }

    [Test]
    public void Mode1_WrappersRecordCallScopedPinCallbackAndHandle()
    {
        // the same scenario in mode 1: proves the observations above can see the bookkeeping when it happens
        ChildResult result = Scenario.Run("release_call_scoped_tracking", new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("pin id=nonzero pinned range known=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("callback range known=True"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("handle entered=True"), result.ToString());
    }
}
