// RangeIndexMemo.cs: one of the stop's range indexes (live or dead ranges) kept sorted between builds, so a build sorts only the records whose table slot changed since the last one.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using InteropGuard.Validator.Table;

namespace InteropGuard.Validator.Scan;

/// <summary>A <see cref="RangeIndex"/> rebuilt at every stop from the records of that stop, but not from scratch: every
/// interval of the last build is tagged with the table slot and the slot's version (<see cref="ShadowTableReader.SlotVersion"/>)
/// it came from; an interval whose slot still holds that version holds the same record, so it stays (in order); the
/// rest (new or changed slots, the call regions' pins, and the records whose place depends on more than their bytes)
/// are sorted and merged in. The result is the index a build from scratch makes (the same intervals in start order).
/// A program keeps tens of thousands of dead ranges (quarantined blocks, released pins and callbacks) of which few
/// change between the read before a stop and the stop (<see cref="Sweeper"/> builds once before, once in it).
/// The index a build returns uses the memo's arrays: it is valid until the next build. Not thread-safe.</summary>
internal sealed class RangeIndexMemo
{
    /// <summary>A record's place: in no index, the live one, the dead one.</summary>
    public const byte None = 0, Live = 1, Dead = 2;

    /// <summary>Added to a place when it depends on more than the record's bytes (a retained callback's weak handle; a
    /// call region's pin, which has no slot): such an interval is never kept for the next build.</summary>
    public const byte Volatile = 0x80;

    private Arrays _now = new(0);
    private Arrays _next = new(0);
    private int _count;
    private int[] _slotPosition = [];
    private int[] _slotStamp = [];
    private int[] _keptStamp = [];
    private int[] _kept = [];
    private int _build;
    private readonly List<(ulong Lo, ulong Hi, ulong Priority, int Slot, uint Version, int Value)> _fresh = new();

    /// <summary>Intervals kept from the last build by the last <see cref="Build"/> (for tests and the probe).</summary>
    public int Kept { get; private set; }

    /// <summary>Intervals sorted in by the last <see cref="Build"/>.</summary>
    public int Added { get; private set; }

    /// <summary>The index of the records whose place (<paramref name="places"/>, by position) is <paramref name="want"/>:
    /// intervals [start − left redzone, end + right redzone) (a zero-size range as one byte), priority the allocation
    /// sequence, value the record's position. The first records are table records, in <paramref name="slots"/> (by
    /// position; <paramref name="table"/> gives each slot's version); the rest have no slot.</summary>
    public RangeIndex Build(List<RangeRecord> records, List<int> slots, ReadOnlySpan<byte> places, byte want, ShadowTableReader table)
    {
        ReadOnlySpan<RangeRecord> all = CollectionsMarshal.AsSpan(records);
        ReadOnlySpan<int> slotOf = CollectionsMarshal.AsSpan(slots);
        int slotRecords = slotOf.Length;
        _build = _build == int.MaxValue ? 1 : _build + 1;
        if (_build == 1)
        {
            Array.Clear(_slotStamp); // the stamps restart: none may look like this build's
            Array.Clear(_keptStamp);
        }

        // Where each slot's record is in this build's list.
        for (int p = 0; p < slotRecords; p++)
        {
            int slot = slotOf[p];
            Grow(slot);
            _slotPosition[slot] = p;
            _slotStamp[slot] = _build;
        }

        // Intervals of the last build whose slot holds the same bytes, and in the same place: kept, still in start order.
        if (_kept.Length < _count)
        {
            Array.Resize(ref _kept, Math.Max(_count, _kept.Length * 2));
        }

        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            int slot = _now.Slot[i];
            if (slot < 0 || _slotStamp[slot] != _build || table.SlotVersion(slot) != _now.Version[i] ||
                places[_slotPosition[slot]] != want)
            {
                continue;
            }

            _kept[n++] = i;
            _keptStamp[slot] = _build;
        }

        Kept = n;

        // The rest, sorted by start and merged in.
        _fresh.Clear();
        for (int p = 0; p < all.Length; p++)
        {
            byte place = places[p];
            if ((place & ~Volatile) != want)
            {
                continue;
            }

            bool keepable = p < slotRecords && (place & Volatile) == 0;
            int slot = keepable ? slotOf[p] : -1;
            if (keepable && _keptStamp[slot] == _build)
            {
                continue;
            }

            ref readonly RangeRecord r = ref all[p];
            ulong lo = r.Start - r.RedzoneLeft;
            ulong hi = Math.Max(r.End + r.RedzoneRight, lo + 1); // zero-size ranges are tracked as one byte
            _fresh.Add((lo, hi, r.AllocSeq, slot, slot >= 0 ? table.SlotVersion(slot) : 0, p));
        }

        Added = _fresh.Count;
        _fresh.Sort(static (a, b) => a.Lo.CompareTo(b.Lo));
        Arrays merged = _next;
        merged.Ensure(n + _fresh.Count);
        int k = 0, f = 0, m = 0;
        while (k < n || f < _fresh.Count)
        {
            if (f == _fresh.Count || (k < n && _now.Lo[_kept[k]] <= _fresh[f].Lo))
            {
                int i = _kept[k++];
                merged.Set(m++, _now.Lo[i], _now.Hi[i], _now.Priority[i], _now.Slot[i], _now.Version[i], _slotPosition[_now.Slot[i]]);
            }
            else
            {
                var e = _fresh[f++];
                merged.Set(m++, e.Lo, e.Hi, e.Priority, e.Slot, e.Version, e.Value);
            }
        }

        _count = m;
        (_now, _next) = (merged, _now);
        return new RangeIndex(_now.Lo, _now.Hi, _now.Priority, _now.Value, _now.MaxHi, _count);
    }

    private void Grow(int slot)
    {
        if (slot < _slotStamp.Length)
        {
            return;
        }

        int n = Math.Max(slot + 1, _slotStamp.Length * 2);
        Array.Resize(ref _slotPosition, n);
        Array.Resize(ref _slotStamp, n);
        Array.Resize(ref _keptStamp, n);
    }

    // The intervals as parallel arrays (the index reads them in place).
    private sealed class Arrays(int n)
    {
        public ulong[] Lo = new ulong[n];
        public ulong[] Hi = new ulong[n];
        public ulong[] Priority = new ulong[n];
        public ulong[] MaxHi = new ulong[n];
        public int[] Value = new int[n];
        public int[] Slot = new int[n];
        public uint[] Version = new uint[n];

        public void Ensure(int n)
        {
            if (Lo.Length >= n)
            {
                return;
            }

            n = Math.Max(n, Lo.Length * 2);
            Array.Resize(ref Lo, n);
            Array.Resize(ref Hi, n);
            Array.Resize(ref Priority, n);
            Array.Resize(ref MaxHi, n);
            Array.Resize(ref Value, n);
            Array.Resize(ref Slot, n);
            Array.Resize(ref Version, n);
        }

        public void Set(int to, ulong lo, ulong hi, ulong priority, int slot, uint version, int value)
        {
            Lo[to] = lo;
            Hi[to] = hi;
            Priority[to] = priority;
            Slot[to] = slot;
            Version[to] = version;
            Value[to] = value;
        }
    }
}
