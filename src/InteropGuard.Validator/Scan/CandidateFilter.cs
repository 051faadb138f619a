// CandidateFilter.cs: the word filter of the running reads of native memory (InteropGuard's blocks, the native heap): which words the stop must read again.
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace InteropGuard.Validator.Scan;

/// <summary>Keeps a word of native memory as a candidate when it points into a dead range of the running table, or into
/// the GC's fixed reservation and no live pin covers it (without pins: no word is left out for a pin). Everything else is a value the stop would
/// not report either; a pointer that becomes interesting after the running read (its range freed, its pin released
/// just before the stop) is seen by the next sweep.</summary>
internal sealed class CandidateFilter
{
    private readonly ulong _heapLo;
    private readonly ulong _heapSpan;
    private readonly RangeIndex _dead;
    private readonly ulong _deadLo;
    private readonly ulong _deadSpan;
    private readonly RangeIndex? _pins;

    public CandidateFilter(ulong heapLo, ulong heapHi, RangeIndex dead, RangeIndex? pins)
    {
        _heapLo = heapLo;
        _heapSpan = heapHi > heapLo ? heapHi - heapLo : 0;
        _dead = dead;
        _deadLo = dead.Lo;
        _deadSpan = dead.Hi - dead.Lo;
        _pins = pins;
    }

    /// <summary>Adds the address of every candidate among <paramref name="words"/> (the first at
    /// <paramref name="address"/>) to <paramref name="into"/>. The hot loop: two unsigned range compares per word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(System.ReadOnlySpan<ulong> words, ulong address, List<ulong> into)
    {
        ulong heapLo = _heapLo, heapSpan = _heapSpan, deadLo = _deadLo, deadSpan = _deadSpan;
        for (int i = 0; i < words.Length; i++)
        {
            ulong w = words[i];
            bool maybeDead = w - deadLo < deadSpan;
            if (maybeDead || w - heapLo < heapSpan)
            {
                Consider(w, address + (ulong)i * 8, maybeDead, into); // rare
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Consider(ulong w, ulong at, bool maybeDead, List<ulong> into)
    {
        if (maybeDead && _dead.Find(w) >= 0)
        {
            into.Add(at);
        }
        else if (w - _heapLo >= _heapSpan)
        {
            // in the dead ranges' span but in none of them, and not in the GC's range: nothing the stop would report
        }
        else if (_pins is null || _pins.Find(w) < 0)
        {
            into.Add(at); // a word a live pin covers is left out: it points into memory that cannot move
        }
    }
}
