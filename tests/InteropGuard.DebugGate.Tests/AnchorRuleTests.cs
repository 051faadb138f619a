// AnchorRuleTests.cs - the budget rule (DebugBudget.Rule) on measured rounds: a mode passes within its budget, or for an
// anchored pair within the asan side's ratio × the mode's allowance; without the asan side only the plain budget counts;
// the verdict line names both verdicts.
using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace InteropGuard.DebugGate.Tests;

public sealed class AnchorRuleTests
{
    private static readonly DebugPair s_churn = new("native-buffer-churn", "churn", () => throw new InvalidOperationException(), AllocatorBound: true);

    private static DebugBudget.Pair Budget(DebugSide? anchor) =>
        new(new Dictionary<DebugSide, double> { [DebugSide.Mode1] = 1.3, [DebugSide.Mode2] = 1.5 }, anchor);

    // Two rounds of CPU times per side, in units of the unguarded side's (100 each); asan 0 = the side did not run.
    private static DebugPairResult Result(DebugSide? anchor, double mode1, double mode2, params double[] asan)
    {
        var result = new DebugPairResult(s_churn, Budget(anchor));
        for (int round = 0; round < asan.Length; round++)
        {
            long[] cpu = [100, (long)(mode1 * 100), (long)(mode2 * 100), (long)(asan[round] * 100)];
            result.Rounds.Add(new DebugRound(round + 1, 1000, (long[])cpu.Clone(), cpu));
        }

        return result;
    }

    [Test]
    public void Mode1_OverItsBudget_PassesWithinTheAsanRatio()
    {
        DebugPairResult r = Result(DebugSide.Asan, mode1: 1.70, mode2: 1.80, 1.76, 1.76);

        DebugBudget.Verdict v = r.Verdict(DebugSide.Mode1);
        Assert.That(r.AsanRatio, Is.EqualTo(1.76).Within(1e-9));
        Assert.That(v.WithinBudget, Is.False);
        Assert.That(v.AnchorLimit, Is.EqualTo(1.76).Within(1e-9), "mode 1's allowance is x 1.00");
        Assert.That(v.WithinAnchor, Is.True);
        Assert.That(v.Passed, Is.True);
    }

    [Test]
    public void Mode1_AboveTheAsanRatio_Fails()
    {
        DebugPairResult r = Result(DebugSide.Asan, mode1: 1.96, mode2: 1.80, 1.76, 1.76);

        Assert.That(r.Verdict(DebugSide.Mode1).WithinAnchor, Is.False);
        Assert.That(r.Passed(DebugSide.Mode1), Is.False);
    }

    [Test]
    public void Mode2_GetsTheSweepsAllowanceOverTheAsanRatio()
    {
        DebugPairResult within = Result(DebugSide.Asan, mode1: 1.5, mode2: 2.00, 1.76, 1.76);
        DebugPairResult over = Result(DebugSide.Asan, mode1: 1.5, mode2: 2.10, 1.76, 1.76);

        Assert.That(within.Verdict(DebugSide.Mode2).AnchorLimit, Is.EqualTo(1.76 * 1.5 / 1.3).Within(1e-9));
        Assert.That(within.Passed(DebugSide.Mode2), Is.True, "2.00 <= 1.76 x 1.5/1.3 = 2.03");
        Assert.That(over.Passed(DebugSide.Mode2), Is.False, "2.10 > 2.03");
    }

    [Test]
    public void AnchorSideMissing_JudgesByThePlainBudget()
    {
        DebugPairResult missing = Result(DebugSide.Asan, mode1: 1.70, mode2: 1.80, 0, 0);
        DebugPairResult withinBudget = Result(DebugSide.Asan, mode1: 1.20, mode2: 1.40, 0, 0);

        Assert.That(missing.AsanRatio, Is.Null);
        Assert.That(missing.Verdict(DebugSide.Mode1).AnchorLimit, Is.Null);
        Assert.That(missing.Verdict(DebugSide.Mode1).WithinAnchor, Is.Null);
        Assert.That(missing.Passed(DebugSide.Mode1), Is.False);
        Assert.That(missing.Passed(DebugSide.Mode2), Is.False);
        Assert.That(withinBudget.Passed(DebugSide.Mode1) && withinBudget.Passed(DebugSide.Mode2), Is.True);
    }

    [Test]
    public void AnchorSideMissingInOneRound_GivesNoAnchor()
    {
        DebugPairResult r = Result(DebugSide.Asan, mode1: 1.70, mode2: 1.80, 1.76, 0);

        Assert.That(r.AsanRatio, Is.Null);
        Assert.That(r.Passed(DebugSide.Mode1), Is.False);
    }

    [Test]
    public void PairWithoutAnchor_GetsNoSecondChanceFromAMeasuredAsanSide()
    {
        DebugPairResult r = Result(anchor: null, mode1: 1.70, mode2: 1.80, 2.50, 2.50);

        Assert.That(r.AsanRatio, Is.EqualTo(2.50).Within(1e-9), "the asan ratio is still reported");
        Assert.That(r.Verdict(DebugSide.Mode1).AnchorLimit, Is.Null);
        Assert.That(r.Passed(DebugSide.Mode1), Is.False);
    }

    [Test]
    public void VerdictLine_PassByAnchor_NamesThePlainVerdictToo()
    {
        string line = DebugGateResults.Verdict([Result(DebugSide.Asan, mode1: 1.70, mode2: 1.80, 1.76, 1.76)]);

        Assert.That(line, Does.StartWith("PASS: "));
        Assert.That(line, Does.Contain("over the plain budget").And.Contain("native-buffer-churn mode 1 (1.70× > budget 1.30×; ≤ asan anchor 1.76×)"));
    }

    [Test]
    public void VerdictLine_FailWithoutTheAnchorSide_SaysItWasNotMeasured()
    {
        string line = DebugGateResults.Verdict([Result(DebugSide.Asan, mode1: 1.70, mode2: 1.80, 0, 0)]);

        Assert.That(line, Does.StartWith("FAIL: Debug modes exceed their budget on native-buffer-churn mode 1 (1.70× > budget 1.30×; asan anchor not measured)"));
    }

    [Test]
    public void VerdictLine_WithinBudget_IsAPlainPass()
    {
        string line = DebugGateResults.Verdict([Result(DebugSide.Asan, mode1: 1.20, mode2: 1.40, 1.76, 1.76)]);

        Assert.That(line, Is.EqualTo("PASS: modes 1 and 2 pass on all 1 pairs within budget"));
    }
}
