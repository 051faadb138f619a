// SideOrderTests.cs - SideOrders.For: with four sides (the asan side running) and with three (it is not), every side
// runs in every position equally often and follows every other side equally often, and the iteration multiple covers
// both order counts.
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace InteropGuard.DebugGate.Tests;

public sealed class SideOrderTests
{
    // 4: every side; 3: every side but asan (DebugSides.All ends with it).
    private static DebugSide[] Sides(int count) => DebugSides.All.Take(count).ToArray();

    [TestCase(4)]
    [TestCase(3)]
    public void EverySide_TakesEveryPositionEquallyOften(int count)
    {
        DebugSide[] sides = Sides(count);
        IReadOnlyList<IReadOnlyList<DebugSide>> orders = SideOrders.For(sides);

        Assert.That(SideOrders.IterationMultiple % orders.Count, Is.Zero);
        Assert.That(orders.All(o => o.OrderBy(s => s).SequenceEqual(sides)), Is.True, "each order runs every side once");
        for (int position = 0; position < sides.Length; position++)
        {
            var counts = sides.Select(s => orders.Count(o => o[position] == s)).Distinct().ToArray();
            Assert.That(counts, Has.Length.EqualTo(1), $"position {position}");
        }
    }

    [TestCase(4)]
    [TestCase(3)]
    public void EverySide_FollowsEveryOtherSideEquallyOften(int count)
    {
        DebugSide[] sides = Sides(count);
        IReadOnlyList<IReadOnlyList<DebugSide>> orders = SideOrders.For(sides);

        var follows = sides.SelectMany(a => sides.Where(b => b != a).Select(b => orders.Sum(o => Enumerable.Range(1, o.Count - 1).Count(i => o[i - 1] == a && o[i] == b))));
        Assert.That(follows.Distinct().Count(), Is.EqualTo(1));
    }
}
