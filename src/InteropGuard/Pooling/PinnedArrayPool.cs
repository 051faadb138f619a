// PinnedArrayPool.cs: the arrays a GuardedArrayPool allocates itself, on the pinned object heap, so a returned array's address never changes and a pointer into it can be proven to be one (modes 1 and 2).
using System;
using System.Buffers;
using System.Collections.Generic;

namespace InteropGuard.Pooling;

/// <summary>A small bucketed pool (power-of-two lengths from 16 to the maximum) of arrays allocated with
/// <see cref="GC.AllocateUninitializedArray{T}(int, bool)"/> on the POH. Private to one guarded pool: an array idle here
/// is provably not in use. Arrays longer than the maximum are allocated per rent (on the POH) and dropped on return.
/// Every access holds <see cref="Gate"/>, which is also the guarded pool's lock: the guarded pool rents and returns
/// through <see cref="RentHeld"/> and <see cref="TryReturnHeld"/> inside its own critical section (one lock per rent and
/// per return in all), and an idle array keeps its <see cref="PooledArrayRecord"/> beside it, so a rent finds the
/// record without a lookup.</summary>
internal sealed class PinnedArrayPool<T> : ArrayPool<T>
    where T : unmanaged
{
    private const int MinimumLength = 16;

    private readonly Stack<(T[] Array, PooledArrayRecord? Record)>[] _buckets;
    private readonly int _maxArraysPerBucket;

    public PinnedArrayPool(int maxArrayLength, int maxArraysPerBucket)
    {
        int buckets = 1;
        while (buckets < 31 && (MinimumLength << (buckets - 1)) < maxArrayLength)
        {
            buckets++;
        }

        _buckets = new Stack<(T[], PooledArrayRecord?)>[buckets];
        for (int i = 0; i < buckets; i++)
        {
            _buckets[i] = new Stack<(T[], PooledArrayRecord?)>();
        }

        _maxArraysPerBucket = maxArraysPerBucket;
    }

    /// <summary>The lock every access to the buckets holds (the owning guarded pool's lock too).</summary>
    public object Gate { get; } = new();

    /// <summary>The longest length that is pooled.</summary>
    public int MaxPooledLength => MinimumLength << (_buckets.Length - 1);

    public override T[] Rent(int minimumLength)
    {
        lock (Gate)
        {
            return RentHeld(minimumLength, out _);
        }
    }

    public override void Return(T[] array, bool clearArray = false)
    {
        lock (Gate)
        {
            TryReturnHeld(array, null, clearArray);
        }
    }

    /// <summary>Rent with <see cref="Gate"/> held: an idle array with the record it was returned with (null for a new
    /// array, or one returned without a record).</summary>
    public T[] RentHeld(int minimumLength, out PooledArrayRecord? record)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        record = null;
        if (minimumLength == 0)
        {
            return [];
        }

        int bucket = BucketFor(minimumLength);
        if (bucket >= _buckets.Length)
        {
            return GC.AllocateUninitializedArray<T>(minimumLength, pinned: true); // too long to pool
        }

        if (_buckets[bucket].TryPop(out (T[] Array, PooledArrayRecord? Record) idle))
        {
            record = idle.Record;
            return idle.Array;
        }

        return GC.AllocateUninitializedArray<T>(MinimumLength << bucket, pinned: true);
    }

    /// <summary>Return with <see cref="Gate"/> held: keeps <paramref name="array"/> (and its record) for a later rent;
    /// false when it is not a pooled length or its bucket is full (the array is then dropped and collected when
    /// unreferenced).</summary>
    public bool TryReturnHeld(T[] array, PooledArrayRecord? record, bool clearArray)
    {
        ArgumentNullException.ThrowIfNull(array);
        int bucket = array.Length == 0 ? -1 : BucketFor(array.Length);
        if (bucket < 0 || bucket >= _buckets.Length || (MinimumLength << bucket) != array.Length)
        {
            return false;
        }

        Stack<(T[], PooledArrayRecord?)> stack = _buckets[bucket];
        if (stack.Count >= _maxArraysPerBucket)
        {
            return false;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        stack.Push((array, record));
        return true;
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
