// PauseShortcutCases.cs: what the stop no longer redoes at every sweep (the pinned handles' slots remembered, InteropGuard's blocks read while the target runs, one runtime for every stop) still finds each bug it found before, and stays silent where it was silent.
using System.Linq;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class PauseShortcutCases
{
    [Test]
    public void Detects_RetainedPinUnpinned_AfterItsHandleSlotWasRemembered()
    {
        SweepResult[] phases = SweepRun.Phases("retained-handle-freed", bug: true, 2);
        Assert.That(phases[0].Findings, Is.Empty, "phase 1: the pinned handle pins the object; " + SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.UnpinnedManagedPointer }), SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Allows_RetainedPin_ConfirmedByItsHandleSlot()
    {
        using TargetChild child = TargetChild.Start("retained-handle-freed", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult first = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(first.Findings, Is.Empty, SweepRun.Describe(first));
        Assert.That(sweeper.HandleSlots.Enumerations, Is.EqualTo(1), "the first stop enumerates the handles");
        child.Next();
        for (int i = 2; i <= 4; i++)
        {
            SweepResult again = sweeper.Sweep(SweepReason.Demand, i);
            Assert.That(again.Findings, Is.Empty, SweepRun.Describe(again));
        }

        Assert.That(sweeper.HandleSlots.Enumerations, Is.EqualTo(1), "later stops read the remembered slot instead");
        Assert.That(sweeper.HandleSlots.Confirmed, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Detects_IsOff_WithDetectOption()
    {
        SweepResult[] phases = SweepRun.Phases("retained-handle-freed", bug: true, 2, "detect_unpinned_managed_pointer=0");
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_UseAfterFree_InABlockReadWhileTheTargetRan()
    {
        using TargetChild child = TargetChild.Start("use-after-free", bug: true, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(result.Findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.NativeUseAfterFree }), SweepRun.Describe(result));
        Assert.That(sweeper.LastBlockPlan, Is.GreaterThan(0), "the holding block was read before the stop");
    }

    [Test]
    public void Detects_DamagedRedzone_ByScanningTheDamagedBlockInTheStop()
    {
        using TargetChild child = TargetChild.Start("redzone", bug: true, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(result.Findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.NativeBufferOverflow }), SweepRun.Describe(result));
    }

    [Test]
    public void Allows_BlocksReadWhileTheTargetRan_AndTheExitSweepScansThemAllStopped()
    {
        using TargetChild child = TargetChild.Start("use-after-free", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult timer = sweeper.Sweep(SweepReason.Timer, 1);
        Assert.That(timer.Findings, Is.Empty, SweepRun.Describe(timer));
        Assert.That(sweeper.LastBlockPlan, Is.GreaterThan(0));
        SweepResult exit = sweeper.Sweep(SweepReason.Exit, 2);
        Assert.That(exit.Findings.Where(f => f.Kind != FindingKinds.LeakedPin), Is.Empty, SweepRun.Describe(exit));
        Assert.That(sweeper.LastBlockPlan, Is.Zero, "the exit sweep reads no plan");
        Assert.That(exit.Blocks, Is.EqualTo(timer.Blocks), "both sweeps cover the same blocks");
    }

    [Test]
    public void Detects_SameFindings_WithEveryShortcutOff()
    {
        using TargetChild child = TargetChild.Start("use-after-free", bug: true, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        sweeper.KeepRuntime = false;
        sweeper.PrescanBlocks = false;
        sweeper.RememberHandleSlots = false;
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(result.Findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.NativeUseAfterFree }), SweepRun.Describe(result));
        Assert.That(sweeper.LastBlockPlan, Is.Zero);
    }

    [Test]
    public void KeepsTheTargetRunning_BetweenManyStopsOfItsThreads()
    {
        using TargetChild child = TargetChild.Start("fixed-blocked", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        for (int i = 1; i <= 10; i++)
        {
            SweepResult result = sweeper.Sweep(SweepReason.Timer, i);
            Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
            Assert.That(result.HeapChecked, Is.True);
            Assert.That(child.Responds(System.TimeSpan.FromSeconds(10)), Is.True, "resumed after stop " + i);
        }
    }
}
