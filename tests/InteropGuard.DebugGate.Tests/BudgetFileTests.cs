// BudgetFileTests.cs - DebugBudget.Load on budget files with and without an anchor, an anchor naming an unknown or a
// non-anchor side, and an anchor on a pair whose cost is not the allocator's; and the repository's own budget file.
using System;
using System.IO;
using System.Linq;
using InteropGuard.BenchGate;
using NUnit.Framework;

namespace InteropGuard.DebugGate.Tests;

public sealed class BudgetFileTests
{
    private static readonly DebugPair[] s_pairs =
    [
        new("zlib-small-records", "zlib", () => throw new InvalidOperationException()),
        new("native-buffer-churn", "churn", () => throw new InvalidOperationException(), AllocatorBound: true),
    ];

    private string _path = "";

    [SetUp]
    public void CreatePath() => _path = Path.Combine(Path.GetTempPath(), $"debug-gate-budget-{Guid.NewGuid():N}.json");

    [TearDown]
    public void DeletePath() => File.Delete(_path);

    private DebugBudget Load(string churn, string zlib = "{ \"mode1\": 1.3, \"mode2\": 1.5 }")
    {
        File.WriteAllText(_path, $"{{ \"pairs\": {{ \"zlib-small-records\": {zlib}, \"native-buffer-churn\": {churn} }} }}");
        return DebugBudget.Load(_path, s_pairs);
    }

    [Test]
    public void NoAnchor_GivesThePlainBudgetOnly()
    {
        DebugBudget budget = Load("{ \"mode1\": 1.3, \"mode2\": 1.5 }");

        DebugBudget.Pair churn = budget.For(s_pairs[1]);
        Assert.That(churn.Anchor, Is.Null);
        Assert.That(churn.Max[DebugSide.Mode1], Is.EqualTo(1.3));
        Assert.That(churn.Max[DebugSide.Mode2], Is.EqualTo(1.5));
        Assert.That(budget.HasAnchor, Is.False);
    }

    [Test]
    public void AsanAnchor_OnTheAllocatorBoundPair_IsRead()
    {
        DebugBudget budget = Load("{ \"mode1\": 1.3, \"mode2\": 1.5, \"anchor\": \"asan\" }");

        Assert.That(budget.For(s_pairs[1]).Anchor, Is.EqualTo(DebugSide.Asan));
        Assert.That(budget.For(s_pairs[0]).Anchor, Is.Null);
        Assert.That(budget.HasAnchor, Is.True);
    }

    [TestCase("tsan", "not an anchor side")]
    [TestCase("mode1", "not an anchor side")]
    [TestCase("unguarded", "not an anchor side")]
    [TestCase("", "not an anchor side")]
    public void UnknownOrNonAnchorSide_StopsTheGate(string anchor, string expected)
    {
        var e = Assert.Throws<GateSetupException>(() => Load($"{{ \"mode1\": 1.3, \"mode2\": 1.5, \"anchor\": \"{anchor}\" }}"));

        Assert.That(e!.Message, Does.Contain(expected).And.Contain("native-buffer-churn").And.Contain("asan"));
    }

    [Test]
    public void Anchor_OnAPairWhoseCostIsNotTheAllocators_StopsTheGate()
    {
        var e = Assert.Throws<GateSetupException>(() => Load("{ \"mode1\": 1.3, \"mode2\": 1.5 }", zlib: "{ \"mode1\": 1.3, \"mode2\": 1.5, \"anchor\": \"asan\" }"));

        Assert.That(e!.Message, Does.Contain("zlib-small-records").And.Contain("not the allocator's"));
    }

    [Test]
    public void AnchorAsAMode_OrAnAnchorWithoutBudgets_StopsTheGate()
    {
        var asMode = Assert.Throws<GateSetupException>(() => Load("{ \"mode1\": 1.3, \"mode2\": 1.5, \"asan\": 2.0 }"));
        var alone = Assert.Throws<GateSetupException>(() => Load("{ \"anchor\": \"asan\" }"));

        Assert.That(asMode!.Message, Does.Contain("'asan'").And.Contain("mode1, mode2 and optionally anchor"));
        Assert.That(alone!.Message, Does.Contain("no budget for native-buffer-churn mode1, native-buffer-churn mode2"));
    }

    [Test]
    public void TheRepositorysBudgetFile_AnchorsOnlyTheChurnPairToAsan()
    {
        string file = Path.Combine(GateHost.RepositoryRoot(), "benchmarks", "debug-gate.budget.json");

        DebugBudget budget = DebugBudget.Load(file, DebugPairs.All);

        Assert.That(DebugPairs.All.Where(p => budget.For(p).Anchor is not null).Select(p => p.Name), Is.EqualTo(new[] { "native-buffer-churn" }));
        Assert.That(budget.For(DebugPairs.All.Single(p => p.Name == "native-buffer-churn")).Anchor, Is.EqualTo(DebugSide.Asan));
        Assert.That(DebugPairs.All.All(p => budget.For(p).Max[DebugSide.Mode1] == 1.3 && budget.For(p).Max[DebugSide.Mode2] == 1.5), Is.True,
            "every pair keeps the issue's 1.3x / 1.5x budget; the anchor is the only second chance");
    }
}
