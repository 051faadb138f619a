// RetainedCallbackCases.cs: a delegate registered through a retaining parameter, then collected: reported only where
// native memory still holds its entry, whether the sweep lands before the finalizer that releases its range or after.
using System.Linq;
using InteropGuard.Findings;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class RetainedCallbackCases
{
    private const string Scenario = "callback-unregistered";

    [TestCase(false)]
    [TestCase(true)]
    public void Allows_CallbackUnregisteredWithNull_ThenCollected(bool afterFinalizer)
    {
        (SweepResult result, string stderr) = Sweep(bug: false, afterFinalizer);
        Assert.That(result.Findings, Is.Empty, "native code forgot the pointer before the delegate was dropped\n" + SweepRun.Describe(result) + "\n" + stderr);
    }

    [Test]
    public void Detects_CollectedCallbackNativeCodeStillHolds_BeforeItsFinalizerReleasedTheRange()
    {
        (SweepResult result, string stderr) = Sweep(bug: true, afterFinalizer: false);
        Finding f = result.Findings.Single();
        Assert.That(f, Is.TypeOf<CollectedRetainedCallbackFinding>(), f.ToJson() + "\n" + stderr);
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.CollectedDelegateCallback), f.ToJson());
        Assert.That(f.Holder, Is.EqualTo("library-data"), "the word in libigtestnative's static: " + f.ToJson());
        Assert.That(f.Library, Does.EndWith("libigtestnative.so"), f.ToJson());
        Assert.That(f.Address, Is.EqualTo(f.RangeStart), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("Scenarios.Register"), f.ToJson());
    }

    [Test]
    public void Detects_CollectedCallbackNativeCodeStillHolds_AfterItsFinalizerReleasedTheRange()
    {
        (SweepResult result, string stderr) = Sweep(bug: true, afterFinalizer: true);
        Finding f = result.Findings.Single();
        Assert.That(f, Is.TypeOf<ReleasedCallbackWordFinding>(), f.ToJson() + "\n" + stderr);
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.CollectedDelegateCallback), f.ToJson());
        Assert.That(f.Library, Does.EndWith("libigtestnative.so"), f.ToJson());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Detects_CollectedCallbackNativeCodeStillHolds_IsOff_WithDetectOption(bool afterFinalizer)
    {
        (SweepResult result, _) = Sweep(bug: true, afterFinalizer, "detect_collected_delegate_callback=0");
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    // One target per order (a finding is reported once per validator): swept at phase 1 (the delegate collected, the
    // finalizer held, the range live) or only at phase 2 (the finalizer ran, the range released); the target's own
    // line says which state the sweep saw.
    private static (SweepResult Result, string Stderr) Sweep(bool bug, bool afterFinalizer, string? options = null)
    {
        using TargetChild child = TargetChild.Start(Scenario, bug, options);
        if (afterFinalizer)
        {
            child.Next();
        }

        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(options));
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        string stderr = child.Stderr;
        Assert.That(stderr, Does.Contain("collected=True range=live"), "the delegate was collected while the finalizer was held\n" + stderr);
        if (afterFinalizer)
        {
            Assert.That(stderr, Does.Contain("range=released"), "the finalizer released the range before the sweep\n" + stderr);
        }

        return (result, stderr);
    }
}
