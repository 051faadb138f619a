// RangeIndex.cs: a sorted interval index over table ranges for one sweep (start-sorted with running maximum of ends), answering "newest range containing a word".
using System;
using System.Collections.Generic;

namespace InteropGuard.Validator.Scan;

/// <summary>Intervals [Lo, Hi) with a priority (newest wins, as ig_lookup). Built once per sweep; a lookup is a binary
/// search plus a backward walk over the intervals that overlap the address.</summary>
internal sealed class RangeIndex
{
    private readonly ulong[] _lo;
    private readonly ulong[] _hi;
    private readonly ulong[] _maxHi;
    private readonly ulong[] _priority;
    private readonly int[] _value;
    private readonly int _count;

    public RangeIndex(List<(ulong Lo, ulong Hi, ulong Priority, int Value)> items)
    {
        items.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        int n = items.Count;
        _lo = new ulong[n];
        _hi = new ulong[n];
        _maxHi = new ulong[n];
        _priority = new ulong[n];
        _value = new int[n];
        _count = n;
        for (int i = 0; i < n; i++)
        {
            _lo[i] = items[i].Lo;
            _hi[i] = items[i].Hi;
            _priority[i] = items[i].Priority;
            _value[i] = items[i].Value;
        }

        (Lo, Hi) = Finish();
    }

    /// <summary>An index over the first <paramref name="count"/> intervals of arrays already sorted by start, which it
    /// uses in place (<see cref="RangeIndexMemo"/> owns them; <paramref name="maxHi"/> is filled here).</summary>
    public RangeIndex(ulong[] lo, ulong[] hi, ulong[] priority, int[] value, ulong[] maxHi, int count)
    {
        _lo = lo;
        _hi = hi;
        _priority = priority;
        _value = value;
        _maxHi = maxHi;
        _count = count;
        (Lo, Hi) = Finish();
    }

    // The running maximum of ends (the backward walk stops where no earlier interval reaches the address), and the bounds.
    private (ulong Lo, ulong Hi) Finish()
    {
        ulong running = 0;
        for (int i = 0; i < _count; i++)
        {
            running = Math.Max(running, _hi[i]);
            _maxHi[i] = running;
        }

        return _count > 0 ? (_lo[0], running) : (0, 0); // empty: Hi - Lo = 0, so MayContain is false for every address
    }

    public int Count => _count;

    /// <summary>Lowest start.</summary>
    public ulong Lo { get; }

    /// <summary>Highest end.</summary>
    public ulong Hi { get; }

    /// <summary>The two-compare quick reject.</summary>
    public bool MayContain(ulong address) => address - Lo < Hi - Lo;

    /// <summary>The value of the highest-priority interval containing <paramref name="address"/>; -1 if none.</summary>
    public int Find(ulong address)
    {
        if (!MayContain(address))
        {
            return -1;
        }

        // last interval starting at or before the address
        int lo = 0, hi = _count - 1, last = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_lo[mid] <= address)
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        int best = -1;
        for (int i = last; i >= 0 && _maxHi[i] > address; i--)
        {
            if (_hi[i] > address && (best < 0 || _priority[i] > _priority[best]))
            {
                best = i;
            }
        }

        return best < 0 ? -1 : _value[best];
    }
}
