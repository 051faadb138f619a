// StackRootReuseCases.cs: the validator reuses a thread's pinned stack roots only while its registers and stack are unchanged: a `fixed` that ended on a thread that lives on is seen, an unchanged blocked thread is not walked again.
using System.Linq;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class StackRootReuseCases
{
    [Test]
    public void Detects_UnpinnedPointer_WhenFixedEnded_OnAThreadThatLivesOn()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-then-waits", bug: true, 2);
        Assert.That(phases[0].Findings, Is.Empty, "phase 1: the thread's fixed root pins the array; " + SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.UnpinnedManagedPointer }), SweepRun.Describe(phases[1]));
        Assert.That(phases[1].StackWalks, Is.GreaterThan(0), "the thread's stack changed, so it was walked again");
    }

    [Test]
    public void Allows_NativeLetsGoBeforeFixedEnds_OnAThreadThatLivesOn()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-then-waits", bug: false, 2);
        Assert.That(phases[0].Findings, Is.Empty, SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_IsOff_WithDetectOption()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-then-waits", bug: true, 2, "detect_unpinned_managed_pointer=0");
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Reuses_TheRootsOfUnchangedThreads_AndStillSeesTheFixedRoot()
    {
        using TargetChild child = TargetChild.Start("fixed-blocked", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult first = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(first.Findings, Is.Empty, SweepRun.Describe(first));
        Assert.That(first.StackWalks, Is.GreaterThan(0), "the first stop walks every thread");
        Assert.That(first.StackReuses, Is.Zero);

        long reused = 0;
        for (int i = 2; i <= 4; i++)
        {
            SweepResult again = sweeper.Sweep(SweepReason.Demand, i);
            Assert.That(again.Findings, Is.Empty, "the blocked thread's fixed root still pins the array; " + SweepRun.Describe(again));
            reused += again.StackReuses;
        }

        Assert.That(reused, Is.GreaterThan(0), "threads blocked at the same place keep their roots");
    }

    [Test]
    public void WalksEveryThread_WhenReuseIsOff()
    {
        using TargetChild child = TargetChild.Start("fixed-blocked", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        sweeper.ReuseStackRoots = false;
        for (int i = 1; i <= 3; i++)
        {
            SweepResult result = sweeper.Sweep(SweepReason.Demand, i);
            Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
            Assert.That(result.StackReuses, Is.Zero);
            Assert.That(result.StackWalks, Is.GreaterThan(0));
        }
    }
}
