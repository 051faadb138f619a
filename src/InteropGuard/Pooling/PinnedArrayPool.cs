// PinnedArrayPool.cs: the arrays a GuardedArrayPool allocates itself, on the pinned object heap, so a returned array's address never changes and a pointer into it can be proven to be one (modes 1 and 2).
using System;
using System.Buffers;
using System.Collections.Generic;

namespace InteropGuard.Pooling;

/// <summary>A small bucketed pool (power-of-two lengths from 16 to the maximum) of arrays allocated with
/// <see cref="GC.AllocateUninitializedArray{T}(int, bool)"/> on the POH. Private to one guarded pool: an array idle here
/// is provably not in use. Arrays longer than the maximum are allocated per rent (on the POH) and dropped on return.</summary>
internal sealed class PinnedArrayPool<T> : ArrayPool<T>
    where T : unmanaged
{
    private const int MinimumLength = 16;

    private readonly Stack<T[]>[] _buckets;
    private readonly int _maxArraysPerBucket;

    public PinnedArrayPool(int maxArrayLength, int maxArraysPerBucket)
    {
        int buckets = 1;
        while (buckets < 31 && (MinimumLength << (buckets - 1)) < maxArrayLength)
        {
            buckets++;
        }

        _buckets = new Stack<T[]>[buckets];
        for (int i = 0; i < buckets; i++)
        {
            _buckets[i] = new Stack<T[]>();
        }

        _maxArraysPerBucket = maxArraysPerBucket;
    }

    /// <summary>The longest length that is pooled.</summary>
    public int MaxPooledLength => MinimumLength << (_buckets.Length - 1);

    public override T[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength == 0)
        {
            return [];
        }

        int bucket = BucketFor(minimumLength);
        if (bucket >= _buckets.Length)
        {
            return GC.AllocateUninitializedArray<T>(minimumLength, pinned: true); // too long to pool
        }

        Stack<T[]> stack = _buckets[bucket];
        lock (stack)
        {
            if (stack.TryPop(out T[]? array))
            {
                return array;
            }
        }

        return GC.AllocateUninitializedArray<T>(MinimumLength << bucket, pinned: true);
    }

    public override void Return(T[] array, bool clearArray = false) => TryReturn(array, clearArray);

    /// <summary>Keeps <paramref name="array"/> for a later rent; false when it is not a pooled length or its bucket is full
    /// (the array is then dropped and collected when unreferenced).</summary>
    public bool TryReturn(T[] array, bool clearArray)
    {
        ArgumentNullException.ThrowIfNull(array);
        int bucket = array.Length == 0 ? -1 : BucketFor(array.Length);
        if (bucket < 0 || bucket >= _buckets.Length || (MinimumLength << bucket) != array.Length)
        {
            return false;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        Stack<T[]> stack = _buckets[bucket];
        lock (stack)
        {
            if (stack.Count >= _maxArraysPerBucket)
            {
                return false;
            }

            stack.Push(array);
            return true;
        }
    }

    private static int BucketFor(int length)
    {
        int bucket = 0;
        while ((long)MinimumLength << bucket < length)
        {
            bucket++;
        }

        return bucket;
    }
}
