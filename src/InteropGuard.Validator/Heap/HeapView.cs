// HeapView.cs: classifies addresses against the stopped target's GC heap without walking it: sorted segments, one object lookup, lazy pin sets.
using System;
using System.Collections.Generic;
using InteropGuard.Findings;
using InteropGuard.Validator.Target;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>The GC heap of one stop. Cost per candidate address: a range compare, a binary search over segments, one
/// <c>FindPreviousObjectOnSegment</c>; the pin sets are built on first need (<see cref="PinnedRoots"/>). The heap is
/// never walked, so the cost does not grow with its size.</summary>
internal sealed class HeapView
{
    private readonly ClrHeap _heap;
    private readonly Segment[] _segments;
    private readonly PinnedRoots _roots;
    private readonly Dictionary<ulong, ManagedVerdict> _objectVerdicts = new();
    private readonly ulong _reservedLo;
    private readonly ulong _reservedHi;
    private readonly TypeNames _typeNames;

    /// <summary>The heap of one stop; <paramref name="stackRoots"/> keeps the threads' stack roots between stops (null: a
    /// cache of this stop only, every thread walked); <paramref name="handleSlots"/> the pinned handles' slots (null, or
    /// no <paramref name="memory"/> to read them with: handles are enumerated whenever a question needs them);
    /// <paramref name="typeNames"/> the type names kept between stops (null: asked of the runtime in this stop);
    /// <paramref name="phases"/> is charged the pin sets' time (null: not timed).</summary>
    public HeapView(ClrRuntime runtime, StackRootCache? stackRoots = null, PinnedHandleSlots? handleSlots = null, TargetMemory? memory = null, TypeNames? typeNames = null,
        StopPhases? phases = null)
    {
        _heap = runtime.Heap;
        _typeNames = typeNames ?? new TypeNames();
        _roots = new PinnedRoots(runtime, stackRoots ?? new StackRootCache(), handleSlots, memory, phases);
        var list = new List<Segment>();
        ulong lo = ulong.MaxValue, hi = 0;
        foreach (ClrSegment seg in _heap.Segments)
        {
            ulong start = Min(seg.Start, seg.ReservedMemory.Start, seg.CommittedMemory.Start);
            ulong end = Math.Max(seg.End, Math.Max(seg.ReservedMemory.End, seg.CommittedMemory.End));
            if (end <= start)
            {
                continue;
            }

            list.Add(new Segment(start, end, seg));
            lo = Math.Min(lo, start);
            hi = Math.Max(hi, end);
        }

        list.Sort((a, b) => a.Start.CompareTo(b.Start));
        _segments = list.ToArray();

        // With regions the GC owns one fixed reservation: an address in it outside every region is dangling too.
        foreach (ClrSubHeap sub in _heap.SubHeaps)
        {
            if (sub.HasRegions && sub.HighestAddress > sub.LowestAddress)
            {
                _reservedLo = _reservedLo == 0 ? sub.LowestAddress : Math.Min(_reservedLo, sub.LowestAddress);
                _reservedHi = Math.Max(_reservedHi, sub.HighestAddress);
            }
        }

        Lo = _reservedHi > _reservedLo ? Math.Min(lo, _reservedLo) : lo;
        Hi = Math.Max(hi, _reservedHi);
    }

    /// <summary>The regions GC's fixed reservation [lo, hi) over all sub-heaps, or (0, 0) without regions.</summary>
    public static (ulong Lo, ulong Hi) FixedReservation(ClrHeap heap)
    {
        ulong lo = 0, hi = 0;
        foreach (ClrSubHeap sub in heap.SubHeaps)
        {
            if (sub.HasRegions && sub.HighestAddress > sub.LowestAddress)
            {
                lo = lo == 0 ? sub.LowestAddress : Math.Min(lo, sub.LowestAddress);
                hi = Math.Max(hi, sub.HighestAddress);
            }
        }

        return hi > lo ? (lo, hi) : (0, 0);
    }

    /// <summary>Lowest address the GC owns (quick reject: below it nothing is managed).</summary>
    public ulong Lo { get; }

    /// <summary>One past the highest address the GC owns.</summary>
    public ulong Hi { get; }

    public PinnedRoots Roots => _roots;

    public int SegmentCount => _segments.Length;

    /// <summary>True when <paramref name="address"/> may be managed memory (the cheapest test, two compares).</summary>
    public bool MayContain(ulong address) => address - Lo < Hi - Lo;

    /// <summary>Classifies an address found in native memory.</summary>
    public ManagedVerdict Classify(ulong address)
    {
        if (!MayContain(address))
        {
            return ManagedVerdict.NotManaged;
        }

        int i = FindSegment(address);
        if (i < 0)
        {
            return address >= _reservedLo && address < _reservedHi
                ? new ManagedVerdict(VerdictKind.Dangling, 0, null, 0, AddressReasons.OutsideRegions)
                : ManagedVerdict.NotManaged;
        }

        ClrSegment seg = _segments[i].Clr;
        if (seg.Kind is GCSegmentKind.Frozen)
        {
            return new ManagedVerdict(VerdictKind.Pinned, 0, null, 0, AddressReasons.FrozenSegment);
        }

        if (address < seg.FirstObjectAddress || address >= seg.ObjectRange.End)
        {
            return new ManagedVerdict(VerdictKind.Dangling, 0, null, 0, AddressReasons.PastSegmentEnd);
        }

        // A pointer a `fixed` handed out lies in an object a pinned stack root holds: known without finding the object
        // at the address (which walks the objects of its region from the last brick and costs milliseconds).
        ulong stackPinned = seg.Kind is GCSegmentKind.Pinned ? 0 : _roots.StackPinnedObjectContaining(address);
        if (stackPinned != 0)
        {
            return StackPinned(stackPinned);
        }

        ClrObject obj = _heap.FindPreviousObjectOnSegment(address + 1, carefully: false);
        if (!obj.IsValid || obj.Address > address)
        {
            return new ManagedVerdict(VerdictKind.Dangling, 0, null, 0, AddressReasons.NoObject);
        }

        if (obj.IsFree)
        {
            return new ManagedVerdict(VerdictKind.Dangling, obj.Address, null, obj.Size, AddressReasons.FreeSpace);
        }

        ulong size = obj.Size;
        if (address >= obj.Address + Math.Max(size, 8))
        {
            return new ManagedVerdict(VerdictKind.Dangling, 0, null, 0, AddressReasons.NoObject);
        }

        return ClassifyObject(obj, seg);
    }

    /// <summary>True when [<paramref name="start"/>, <paramref name="end"/>) lies inside one live object of a segment
    /// whose objects never move: the pinned object heap (<c>GC.AllocateArray(n, pinned: true)</c>) or a frozen segment.
    /// A pointer into such an object stays valid while the object lives, pinned or not; the object must still cover the
    /// whole range (one collected and replaced by a smaller object, or free space, does not).</summary>
    public bool IsInNonMovingObject(ulong start, ulong end)
    {
        int i = FindSegment(start);
        if (i < 0)
        {
            return false;
        }

        ClrSegment seg = _segments[i].Clr;
        if (seg.Kind is not (GCSegmentKind.Pinned or GCSegmentKind.Frozen) || start < seg.FirstObjectAddress || end > seg.ObjectRange.End)
        {
            return false;
        }

        ClrObject obj = _heap.FindPreviousObjectOnSegment(start + 1, carefully: false);
        return obj.IsValid && !obj.IsFree && obj.Address <= start && end <= obj.Address + obj.Size;
    }

    /// <summary>Classifies a live object (a retained pin's target).</summary>
    public ManagedVerdict ClassifyObjectAt(ulong objectAddress)
    {
        int i = FindSegment(objectAddress);
        if (i < 0)
        {
            return new ManagedVerdict(VerdictKind.Dangling, objectAddress, null, 0, AddressReasons.OutsideSegments);
        }

        ClrObject obj = _heap.GetObject(objectAddress);
        if (!obj.IsValid || obj.IsFree)
        {
            return new ManagedVerdict(VerdictKind.Dangling, objectAddress, null, 0, AddressReasons.InvalidObject);
        }

        return ClassifyObject(obj, _segments[i].Clr);
    }

    private ManagedVerdict StackPinned(ulong objectAddress)
    {
        if (_objectVerdicts.TryGetValue(objectAddress, out ManagedVerdict cached))
        {
            return cached;
        }

        ClrObject obj = _heap.GetObject(objectAddress);
        var verdict = new ManagedVerdict(VerdictKind.Pinned, objectAddress, _typeNames.Of(obj.Type), obj.Size, AddressReasons.PinnedStackRoot);
        _objectVerdicts[objectAddress] = verdict;
        return verdict;
    }

    private ManagedVerdict ClassifyObject(ClrObject obj, ClrSegment seg)
    {
        if (_objectVerdicts.TryGetValue(obj.Address, out ManagedVerdict cached))
        {
            return cached;
        }

        string type = _typeNames.Of(obj.Type);
        ulong size = obj.Size;
        ManagedVerdict verdict;
        if (seg.Kind is GCSegmentKind.Frozen)
        {
            verdict = new ManagedVerdict(VerdictKind.Pinned, obj.Address, type, size, AddressReasons.FrozenSegment);
        }
        else if (seg.Kind is GCSegmentKind.Pinned)
        {
            verdict = new ManagedVerdict(VerdictKind.Pinned, obj.Address, type, size, AddressReasons.PinnedObjectHeap);
        }
        else if (_roots.IsPinnedByHandle(obj.Address))
        {
            verdict = new ManagedVerdict(VerdictKind.Pinned, obj.Address, type, size, AddressReasons.PinnedHandle);
        }
        else if (_roots.IsPinnedOnStack(obj.Address))
        {
            verdict = new ManagedVerdict(VerdictKind.Pinned, obj.Address, type, size, AddressReasons.PinnedStackRoot);
        }
        else if (_roots.UnwalkedHolder(obj.Address, size) is uint thread)
        {
            verdict = new ManagedVerdict(VerdictKind.Undecided, obj.Address, type, size, AddressReasons.StackWalkShort, thread);
        }
        else
        {
            verdict = new ManagedVerdict(VerdictKind.Unpinned, obj.Address, type, size, AddressReasons.NotPinned);
        }

        _objectVerdicts[obj.Address] = verdict;
        return verdict;
    }

    private int FindSegment(ulong address)
    {
        int lo = 0, hi = _segments.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            Segment s = _segments[mid];
            if (address < s.Start)
            {
                hi = mid - 1;
            }
            else if (address >= s.End)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        return -1;
    }

    private static ulong Min(ulong a, ulong b, ulong c)
    {
        ulong m = a;
        if (b != 0 && b < m)
        {
            m = b;
        }

        if (c != 0 && c < m)
        {
            m = c;
        }

        return m;
    }

    private readonly record struct Segment(ulong Start, ulong End, ClrSegment Clr);
}
