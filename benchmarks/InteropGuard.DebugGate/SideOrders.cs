// SideOrders.cs - the orders in which the Debug gate runs one iteration of each side next to each other: a Williams
// design over the sides a launch has, so each side runs first, second, ... equally often and follows each other side
// equally often (the position in a group, and the side before, move an iteration's time a little).
using System.Collections.Generic;
using System.Linq;

namespace InteropGuard.DebugGate;

/// <summary>Balanced side orders.</summary>
internal static class SideOrders
{
    /// <summary>Iterations per side must be a multiple of this: the order counts for three sides (6) and four (4).</summary>
    public const int IterationMultiple = 12;

    /// <summary>The orders for <paramref name="sides"/>: n orders for an even count n, 2n for an odd one (for three sides,
    /// all six permutations). Row i is the sequence 0, 1, n−1, 2, n−2, … shifted by i (mod n); an odd count adds every
    /// row reversed.</summary>
    public static IReadOnlyList<IReadOnlyList<DebugSide>> For(IReadOnlyList<DebugSide> sides)
    {
        int n = sides.Count;
        var first = new int[n];
        for (int j = 1, low = 1, high = n - 1; j < n; j++)
        {
            first[j] = j % 2 == 1 ? low++ : high--;
        }

        var orders = new List<IReadOnlyList<DebugSide>>();
        for (int i = 0; i < n; i++)
        {
            orders.Add(first.Select(k => sides[(k + i) % n]).ToArray());
        }

        if (n % 2 == 1)
        {
            orders.AddRange(orders.ToList().Select(o => (IReadOnlyList<DebugSide>)o.Reverse().ToArray()));
        }

        return orders;
    }
}
