// CallScopedCases.cs: the validator and call-scoped callbacks (a delegate passed for one call) and never-written block
// bytes: a qsort-style loop with forced GCs is silent; a kept function pointer is reported once its delegate was
// collected, not while it lives, also when the same delegate was passed for several calls; a fresh buffer on memory an
// earlier allocation filled is silent until the program writes it.
using System.Linq;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class CallScopedCases
{
    // Mode 2 in the target (blocks filled completely); its own validator is pointed nowhere so only the test sweeps it.
    private const string Mode2Options = "validator_path=/nonexistent/InteropGuard.Cli.dll";

    [Test]
    public void Allows_CallbackLoop_FreshDelegatePerCall_WithForcedGCs()
    {
        SweepResult result = SweepRun.Once("callback-loop", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Detects_CallScopedCallbackKeptByNativeCode_AfterItsDelegateWasCollected()
    {
        SweepResult result = SweepRun.Once("callscoped-kept", bug: true);
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.CollectedDelegateCallback), f.ToJson());
        Assert.That(f.RangeKind, Is.EqualTo("callback"), f.ToJson());
        Assert.That(f.RangeFlags, Is.EqualTo(0x2u), "CALL_SCOPED: " + f.ToJson());
        Assert.That(f.HolderOffset, Is.EqualTo(8UL), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("Scenarios.HandOver"), f.ToJson());
        Assert.That(FindingEvidence.Of(f), Does.Contain("passed to native code for the P/Invoke call at").And.Contain("collected"), f.ToJson());
    }

    [Test]
    public void Allows_CallScopedCallbackKeptByNativeCode_WhileItsDelegateLives()
    {
        SweepResult result = SweepRun.Once("callscoped-kept", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Detects_CallScopedCallbackKept_IsOff_WithDetectOption()
    {
        SweepResult result = SweepRun.Once("callscoped-kept", bug: true, "detect_collected_delegate_callback=0");
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Detects_CallScopedCallbackKept_SameDelegateForSeveralCalls_AfterItWasCollected()
    {
        SweepResult result = SweepRun.Once("callscoped-kept-again", bug: true);
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.CollectedDelegateCallback), f.ToJson());
        Assert.That(f.RangeFlags, Is.EqualTo(0x2u), "CALL_SCOPED: " + f.ToJson());
        Assert.That(f.HolderOffset, Is.EqualTo(8UL), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("Scenarios.HandOver"), f.ToJson());
    }

    [Test]
    public void Allows_CallScopedCallbackKept_SameDelegateForSeveralCalls_WhileItLives()
    {
        SweepResult result = SweepRun.Once("callscoped-kept-again", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Detects_CallScopedCallbackKept_SameDelegateForSeveralCalls_IsOff_WithDetectOption()
    {
        SweepResult result = SweepRun.Once("callscoped-kept-again", bug: true, "detect_collected_delegate_callback=0");
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Superseded_CallScopedCallback_IsNotGuessed_AndSaysSoOnce()
    {
        SweepResult result = SweepRun.Once("callscoped-superseded", bug: true);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
        Assert.That(result.Warnings.OfType<UndecidedCallbackWarning>().Count(), Is.EqualTo(1), SweepRun.Describe(result));
    }

    [Test]
    public void Detects_ArgumentKeptPastItsCall_NamingTheCall_AfterMoreCalls()
    {
        SweepResult[] phases = SweepRun.Phases("callpin-kept", bug: true, 2);
        Assert.That(phases[0].Findings, Is.Empty, "while the call runs its argument is pinned\n" + SweepRun.Describe(phases[0]));
        Finding f = phases[1].Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.UseAfterUnpin), f.ToJson());
        Assert.That(f.RangeKind, Is.EqualTo("managed-pin"), f.ToJson());
        Assert.That(f.RangeFlags, Is.EqualTo(0x2u), "CALL_SCOPED: " + f.ToJson());
        Assert.That(f.RangeSize, Is.EqualTo(256UL), f.ToJson());
        Assert.That(f.Address - f.RangeStart, Is.EqualTo(16UL), f.ToJson());
        Assert.That(f.HolderOffset, Is.EqualTo(8UL), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("Scenarios.CallPinKept"), f.ToJson());
        Assert.That(FindingEvidence.Of(f), Does.Contain("pinned only for the P/Invoke call at CallScopedScenarios.cs:180"), f.ToJson());
    }

    [Test]
    public void Allows_ArgumentUsedOnlyDuringItsCall_PointerClearedBeforeItReturned()
    {
        SweepResult[] phases = SweepRun.Phases("callpin-kept", bug: false, 2);
        Assert.That(phases[0].Findings, Is.Empty, SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_ArgumentKeptPastItsCall_IsOff_WithDetectOption()
    {
        SweepResult[] phases = SweepRun.Phases("callpin-kept", bug: true, 2, "detect_use_after_unpin=0");
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Allows_CallBlockedInNativeCodeLongerThanPinLeakMs_ItsArgumentsPinIsNoLeak()
    {
        SweepResult[] phases = SweepRun.Phases("long-call", bug: false, 2, "pin_leak_ms=1");
        Assert.That(phases[0].Pins, Is.EqualTo(1), "the call's pin is in flight at the first sweep\n" + SweepRun.Describe(phases[0]));
        Assert.That(phases[0].Findings, Is.Empty, "the call is still in flight: its pin is not a leak\n" + SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_PinMadeForACallThatReturned_NeverReleased_OlderThanPinLeakMs()
    {
        SweepResult result = SweepRun.Once("long-call", bug: true, "pin_leak_ms=1");
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.LeakedPin), f.ToJson());
        Assert.That(f, Is.TypeOf<PinAliveTooLongFinding>(), f.ToJson());
        Assert.That(f.RangeSize, Is.EqualTo(256UL), f.ToJson());
    }

    [Test]
    public void Detects_PinMadeForACallThatReturned_IsOff_WithDetectOption()
    {
        SweepResult result = SweepRun.Once("long-call", bug: true, "pin_leak_ms=1:detect_leaked_pin=0");
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [TestCase("callpin-kept-poh", "1")]
    [TestCase("callpin-kept-poh", "2")]
    [TestCase("callpin-kept-poh-uninit", "1")]
    [TestCase("callpin-kept-poh-uninit", "2")]
    public void Allows_PinnedObjectHeapArgumentKeptPastItsCall_AndWrittenLaterByNativeCode(string scenario, string mode)
    {
        SweepResult[] phases = SweepRun.Phases(scenario, bug: false, 2, mode == "2" ? Mode2Options : null, mode);
        Assert.That(phases[0].Findings, Is.Empty, SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings, Is.Empty, "a POH array never moves: the kept pointer stays valid\n" + SweepRun.Describe(phases[1]));
    }

    [TestCase("1")]
    [TestCase("2")]
    public void Detects_OrdinaryArgumentKeptPastItsCall_WherePohArrayIsAllowed(string mode)
    {
        SweepResult[] phases = SweepRun.Phases("callpin-kept-poh", bug: true, 2, mode == "2" ? Mode2Options : null, mode);
        Finding f = phases[1].Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.UseAfterUnpin), f.ToJson());
        Assert.That(f.RangeFlags, Is.EqualTo(0x2u), "CALL_SCOPED: " + f.ToJson());
        Assert.That(f.RangeSize, Is.EqualTo(256UL), f.ToJson());
    }

    [Test]
    public void Detects_OrdinaryArgumentKeptPastItsCall_IsOff_WithDetectOption()
    {
        SweepResult[] phases = SweepRun.Phases("callpin-kept-poh", bug: true, 2, "detect_use_after_unpin=0");
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_PooledPohArrayKeptPastItsReturn_ThoughItDoesNotMove()
    {
        SweepResult result = SweepRun.Once("pooled-kept", bug: true);
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.UseAfterUnpin), f.ToJson());
        Assert.That(f.RangeFlags, Is.EqualTo(0x2_0000u), "a pooled array: " + f.ToJson());
    }

    [Test]
    public void Allows_PooledPohArray_PointerClearedBeforeItsReturn()
    {
        SweepResult result = SweepRun.Once("pooled-kept", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Allows_NeverWrittenBuffer_OnMemoryThatHeldAManagedAddress_InMode2()
    {
        using TargetChild child = TargetChild.Start("never-written", bug: false, Mode2Options, mode: "2");
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(null));
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(child.Stderr, Does.Contain("reused=True stale=False"), "the buffer sits on the stale memory, and mode 2 filled it\n" + child.Stderr);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
        Assert.That(result.Warnings.OfType<PartialFillWarning>(), Is.Empty, "mode 2 fills blocks completely: " + SweepRun.Describe(result));
    }

    [Test]
    public void Detects_ManagedAddressWrittenDeepInAFreshBuffer_InMode2()
    {
        using TargetChild child = TargetChild.Start("never-written", bug: true, Mode2Options, mode: "2");
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(null));
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.UnpinnedManagedPointer), f.ToJson());
        Assert.That(f.HolderOffset, Is.EqualTo(50_000UL), f.ToJson());
    }

    [Test]
    public void Allows_NeverWrittenBuffer_InMode1_ScansOnlyTheFilledBytes_AndSaysSo()
    {
        using TargetChild child = TargetChild.Start("never-written", bug: false);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(null));
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(child.Stderr, Does.Contain("reused=True stale=True"), "mode 1 leaves the old address past 4096 bytes\n" + child.Stderr);
        Assert.That(result.Findings, Is.Empty, "past max_malloc_fill_size the bytes may be stale: not scanned\n" + SweepRun.Describe(result));
        Assert.That(result.Warnings.OfType<PartialFillWarning>().Select(w => w.FillLimit), Is.EqualTo(new long?[] { 4096 }), SweepRun.Describe(result));
    }
}
