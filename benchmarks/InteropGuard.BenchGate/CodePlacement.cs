// CodePlacement.cs - moves where the JIT puts the gate's hot code, differently in every gate process: before and while
// the sides are warmed, it compiles a random number of filler methods, so the code compiled next lands elsewhere in the
// code heap; used by GateMeasurement.Prepare.
using System;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace InteropGuard.BenchGate;

/// <summary>
/// Randomises code placement per process. The JIT compiles in the same order in every process, so without this every
/// gate process lays out <c>Raw()</c>, <c>Twin()</c> and <c>Guarded()</c> at the same offsets and alignments, and the
/// layout's effect on a pair (loop and branch alignment, i-cache and branch-predictor aliasing: measured up to ±3 % on
/// the SQLite pair, with the same code on both sides) is the same bias in every round. Compiling a random number of
/// fillers of two sizes at random points of the warm-up moves each side's code by a random amount, so the layout's
/// effect becomes noise around zero that the median over processes averages out, instead of a constant. The fillers
/// are instantiations of generic methods over nested structs (each struct instantiation gets code of its own), compiled
/// optimized at once (<see cref="MethodImplOptions.AggressiveOptimization"/>) by
/// <see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle)"/>, and never run.
/// </summary>
internal sealed class CodePlacement
{
    private static readonly MethodInfo s_small = typeof(CodePlacement).GetMethod(nameof(SmallFiller), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_large = typeof(CodePlacement).GetMethod(nameof(LargeFiller), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Random _random;
    private Type _next = typeof(int);

    /// <param name="seed">The process's seed (reported with its rounds, so a layout can be reproduced).</param>
    public CodePlacement(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    /// <summary>The seed of this process's layout.</summary>
    public int Seed { get; }

    /// <summary>A new seed for a process: different in every launch.</summary>
    public static int NewSeed() => Random.Shared.Next(1, int.MaxValue);

    /// <summary>Draws a random order of <paramref name="count"/> items.</summary>
    public int[] Order(int count)
    {
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        _random.Shuffle(order);
        return order;
    }

    /// <summary>Compiles between 0 and <paramref name="maxLarge"/> large and 0–7 small fillers: code compiled after this
    /// starts a random distance further on.</summary>
    public void Shift(int maxLarge)
    {
        int large = _random.Next(maxLarge + 1);
        int small = _random.Next(8);
        for (int i = 0; i < large + small; i++)
        {
            _next = typeof(Layer<>).MakeGenericType(_next);
            MethodInfo filler = (i < large ? s_large : s_small).MakeGenericMethod(_next);
            RuntimeHelpers.PrepareMethod(filler.MethodHandle);
        }
    }

    // A struct per nesting depth: Layer<int>, Layer<Layer<int>>, ... each a new value type, so each instantiation of a
    // filler is compiled separately.
    private readonly record struct Layer<T>(T Inner, int Depth);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int SmallFiller<T>(T value) => value!.GetHashCode() ^ Unsafe.SizeOf<T>();

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long LargeFiller<T>(T[] values, int rounds)
    {
        long sum = Unsafe.SizeOf<T>();
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < values.Length; i++)
            {
                sum = (sum * 31) ^ values[i]!.GetHashCode();
                if ((sum & 0xFF) == r)
                {
                    sum += i * rounds;
                }
            }

            sum = sum switch
            {
                0 => 1,
                1 => values.Length,
                2 => rounds * 3,
                _ => sum ^ (sum >> 7),
            };
        }

        return sum;
    }
}
