// QsortComparerWorkload.cs - the Debug gate's callback-heavy loop: libc qsort of a managed int[] with a delegate
// comparer, so native code calls back into managed code a few thousand times per native call.
using System;
using System.Runtime.CompilerServices;

namespace InteropGuard.DebugGate;

/// <summary>Per invocation: copy a fixed shuffled sequence of <see cref="Count"/> ints into the work array and
/// <c>qsort</c> it with <see cref="Compare"/> (~2,300 comparisons, each a reverse P/Invoke into managed code). The
/// comparer is a static method group, one cached delegate, as a program would write it.</summary>
internal sealed unsafe class QsortComparerWorkload
{
    /// <summary>Elements per sort.</summary>
    public const int Count = 256;

    private readonly int[] _source = new int[Count];
    private readonly int[] _work = new int[Count];

    /// <summary>Builds the shuffled sequence (seeded, the same in every process).</summary>
    public QsortComparerWorkload()
    {
        var random = new Random(0x5EED_0008);
        for (int i = 0; i < Count; i++)
        {
            _source[i] = random.Next();
        }
    }

    /// <summary>Direct call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Raw()
    {
        _source.CopyTo(_work, 0);
        RawManagedArguments.Qsort(_work, Count, sizeof(int), Compare);
        return _work[0];
    }

    /// <summary>The same call through the generated wrapper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Guarded()
    {
        _source.CopyTo(_work, 0);
        GuardedManagedArguments.Qsort(_work, Count, sizeof(int), Compare);
        return _work[0];
    }

    private static int Compare(int* left, int* right) => (*left).CompareTo(*right);
}
