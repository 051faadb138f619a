// GateCopies.cs - each side of a pair as several copies of the same code at different places in the code heap (one
// generic instantiation per copy type); a gate run's iterations cycle through them, so no single layout decides a pair.
using System;
using System.Collections.Generic;
using System.Reflection;

namespace InteropGuard.BenchGate;

/// <summary>
/// The copies of a pair's sides. Each side of a benchmark class is a generic method, <c>Raw&lt;TCopy&gt;()</c>,
/// <c>Guarded&lt;TCopy&gt;()</c> and <c>Twin&lt;TCopy&gt;()</c>, that ignores its type argument: the runtime compiles
/// a separate body for every struct type argument, so <see cref="Count"/> struct types give <see cref="Count"/> copies
/// of each side, each at its own place in the code heap (<see cref="CodePlacement"/> puts random distances between
/// them while the gate warms them up). Where a method's code lands moves its time by a few percent (loop and branch
/// alignment, cache and branch-predictor aliasing); measured on the SQLite pair with the same code on both sides, one
/// copy per side read from −5.8 % to +5.1 % over 12 processes. The k-th pair of iterations of a run measures copy
/// k mod <see cref="Count"/> of both sides, so each side's median is taken over all its copies' layouts.
/// </summary>
internal static class GateCopies
{
    /// <summary>Copies per side.</summary>
    public const int Count = 16;

    /// <summary>The copy types: <c>Copy&lt;int&gt;</c>, <c>Copy&lt;Copy&lt;int&gt;&gt;</c>, ...</summary>
    public static IReadOnlyList<Type> Types { get; } = MakeTypes();

    /// <summary>Copy <paramref name="copy"/> of the side method <paramref name="name"/> of <paramref name="benchmarks"/>.</summary>
    public static MethodInfo Method(Type benchmarks, string name, int copy) =>
        (benchmarks.GetMethod(name) ?? throw new GateSetupException($"{benchmarks.Name} has no method {name}<TCopy>()"))
        .MakeGenericMethod(Types[copy]);

    /// <summary>Every copy of the three sides of <paramref name="instance"/> as delegates of type
    /// <typeparamref name="TDelegate"/>, indexed by <see cref="GateSide"/>, then copy.</summary>
    public static TDelegate[][] Delegates<TDelegate>(object instance)
        where TDelegate : Delegate
    {
        GateSide[] all = Enum.GetValues<GateSide>();
        var sides = new TDelegate[all.Length][];
        foreach (GateSide side in all)
        {
            sides[(int)side] = new TDelegate[Count];
            for (int copy = 0; copy < Count; copy++)
            {
                sides[(int)side][copy] = Method(instance.GetType(), GatePair.MethodOf(side), copy).CreateDelegate<TDelegate>(instance);
            }
        }

        return sides;
    }

    /// <summary>What the coming iteration runs: the side <see cref="GateAlternation"/> hands out, in the copy of the
    /// iteration pair (<see cref="GateAlternation.Copy"/>).</summary>
    public static TDelegate Next<TDelegate>(TDelegate[][] sides)
        where TDelegate : Delegate
    {
        GateSide side = GateAlternation.Next();
        return sides[(int)side][GateAlternation.Copy % Count];
    }

    private static Type[] MakeTypes()
    {
        var types = new Type[Count];
        Type type = typeof(int);
        for (int i = 0; i < Count; i++)
        {
            type = typeof(Copy<>).MakeGenericType(type);
            types[i] = type;
        }

        return types;
    }

    // One value type per copy; never instantiated.
    private readonly record struct Copy<T>(T Inner);
}
