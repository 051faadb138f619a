// SweepClassifier.cs: what a candidate of a sweep's scan is (a word into a dead range or the GC heap, a retained range, damaged canary bytes, an old pin) and the typed finding that says so; no words, only data.
using System;
using System.Collections.Generic;
using System.Globalization;
using InteropGuard.Findings;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Scan;

/// <summary>Classifies for one stop of <see cref="SweepPass"/>: each method returns the finding record of one shape (or
/// null when the candidate is fine), filled from the table record, the heap verdict and the holder. A new shape is a new
/// record in src/InteropGuard/Findings and a method here (docs/design/architecture.md, "where a new check goes").</summary>
internal sealed class SweepClassifier
{
    private readonly TargetMemory _memory;
    private readonly ShadowTableReader _table;
    private readonly HeapView? _heap;
    private readonly SweepResult _result;
    private readonly List<RangeRecord> _records;
    private readonly RangeIndex _live;
    private readonly RangeIndex _dead;
    private readonly ulong _nowNs;

    public SweepClassifier(TargetMemory memory, ShadowTableReader table, HeapView? heap, SweepResult result, List<RangeRecord> records,
        RangeIndex live, RangeIndex dead, ulong nowNs)
    {
        _memory = memory;
        _table = table;
        _heap = heap;
        _result = result;
        _records = records;
        _live = live;
        _dead = dead;
        _nowNs = nowNs;
    }

    private enum CallbackFate
    {
        Alive,
        Collected,
        Unknown,
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Retained pins: the object must be alive, in place and pinned.

    /// <summary>A retained pin whose handle holds <paramref name="obj"/> (0 = collected): collected, moved, unpinned or fine (null).</summary>
    public Finding? RetainedPin(RangeRecord r, ulong obj)
    {
        if (obj == 0)
        {
            return OfRange(new CollectedRetainedPinFinding(), r, r.Start);
        }

        ManagedVerdict v = _heap!.ClassifyObjectAt(obj);
        if (v.Kind == VerdictKind.Dangling || (v.ObjectSize != 0 && (r.Start < obj || r.Start >= obj + Math.Max(v.ObjectSize, 8) + 8)))
        {
            return WithObject(OfRange(new MovedRetainedPinFinding { ObjectNowAt = obj }, r, r.Start), v, r.Start);
        }

        if (v.Kind == VerdictKind.Unpinned)
        {
            return WithObject(OfRange(new UnpinnedRetainedPinFinding { ObjectNowAt = obj }, r, r.Start), v, r.Start);
        }

        if (v.Kind == VerdictKind.Undecided)
        {
            NoteUndecided(v);
        }

        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Redzones and leaks.

    /// <summary>A live block whose canary bytes were found changed: <paramref name="firstDamage"/> is the signed distance
    /// of the first (0 = first byte past the end, -N = N bytes before the start).</summary>
    public Finding DamagedRedzone(RangeRecord r, long firstDamage, int damaged, byte canary, byte found)
    {
        ulong address = (ulong)((long)(firstDamage < 0 ? r.Start : r.End) + firstDamage);
        return OfRange(new DamagedRedzoneFinding { DamagedBytes = damaged, Canary = canary, Found = found, Detail = firstDamage }, r, address);
    }

    /// <summary>A pin (or callback handle) still alive at exit, or older than <paramref name="pinLeakMs"/>.</summary>
    public Finding LeakedPin(RangeRecord r, bool exit, ulong ageNs, long pinLeakMs)
    {
        Finding shape = exit ? new PinAliveAtExitFinding { AgeNs = ageNs } : new PinAliveTooLongFinding { AgeNs = ageNs, PinLeakMs = pinLeakMs };
        return OfRange(shape, r, r.Start) with { SinceReleaseMs = ageNs / 1_000_000.0 };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Words of native memory: into a dead range (freed block, released pin, unmapped view, released callback), or into
    // the GC heap where nothing pins the object or no object is.

    /// <summary>The finding for word <paramref name="w"/> at <paramref name="at"/>, or null when it points at nothing wrong.</summary>
    public Finding? Word(ulong w, ulong at, ScanHolder holder, bool maybeDead, bool maybeHeap)
    {
        if (maybeDead)
        {
            int dead = _dead.Find(w);
            if (dead >= 0)
            {
                int live = _live.Find(w);
                if (live >= 0)
                {
                    return null; // a live range containing the word wins over a released one
                }

                return DeadRange(w, at, holder, _records[dead]);
            }
        }

        if (!maybeHeap || _heap is null)
        {
            return null;
        }

        int liveRange = _live.Find(w);
        if (liveRange >= 0 && _records[liveRange].Kind == TableLayout.KindManagedPin)
        {
            return null; // inside a live tracked pin: pinned by its handle
        }

        ManagedVerdict v = _heap.Classify(w);
        if (v.Kind == VerdictKind.Undecided)
        {
            NoteUndecided(v);
        }

        return v.Kind switch
        {
            VerdictKind.Unpinned => WithObject(OfWord(new UnpinnedWordFinding(), w, at, holder), v, w),
            VerdictKind.Dangling => OfWord(new DanglingWordFinding { Why = v.Why }, w, at, holder),
            _ => null,
        };
    }

    /// <summary>Says (once per validator) that a pointer into an object only a <c>fixed</c> statement could pin was left to
    /// the next sweep because a thread's stack could not be walked in this one (<see cref="ThreadWalk"/>).</summary>
    private void NoteUndecided(ManagedVerdict v) =>
        _result.PassNotes.Add(("stack-walk-short", new StackWalkShortWarning { ObjectType = v.ObjectType, ObjectSize = v.ObjectSize }));

    private Finding? DeadRange(ulong w, ulong at, ScanHolder holder, RangeRecord r)
    {
        Finding shape;
        if (r.Kind == TableLayout.KindNativeBlock)
        {
            shape = new FreedBlockWordFinding();
        }
        else if (r.Kind == TableLayout.KindMappedView)
        {
            shape = new UnmappedViewWordFinding();
        }
        else if (r.Kind == TableLayout.KindCallback && (r.Flags & TableLayout.FlagCallScoped) != 0)
        {
            // Released when its call returned, not when its delegate died: a kept pointer is a bug only once the delegate is gone.
            CallbackFate fate = FateOf(r);
            if (fate == CallbackFate.Alive)
            {
                return null;
            }

            if (fate == CallbackFate.Unknown)
            {
                _result.PassNotes.Add(("callback-unknown:" + r.AllocSite.ToString(CultureInfo.InvariantCulture), new UndecidedCallbackWarning { CallSite = Site(r.AllocSite) }));
                return null;
            }

            shape = new CollectedCallScopedCallbackWordFinding();
        }
        else if (r.Kind == TableLayout.KindCallback && r.IsLive)
        {
            // Retained, its delegate collected, its range not yet released by the finalizer (SweepPass.Place).
            return OfRange(OfWord(new CollectedRetainedCallbackFinding(), w, at, holder), r, w);
        }
        else if (r.Kind == TableLayout.KindCallback)
        {
            shape = new ReleasedCallbackWordFinding();
        }
        else if (r.Kind == TableLayout.KindManagedPin && (r.Flags & TableLayout.FlagPooledArray) == 0 && _heap is not null && _heap.IsInNonMovingObject(r.Start, r.End))
        {
            // A POH or frozen object never moves: its pin's end leaves the pointer valid while the object lives. Not a
            // pooled array: its range ends when it is returned, and the next renter owns it, moved or not.
            return null;
        }
        else
        {
            shape = ReleasedPin(r);
        }

        return OfRange(OfWord(shape, w, at, holder), r, w) with { SinceReleaseMs = SinceMs(r.ReleaseTimeNs) };
    }

    /// <summary>A released pin, with what became of its object when its handle can still be read.</summary>
    private ReleasedPinWordFinding ReleasedPin(RangeRecord r)
    {
        if (r.UserTag != 0 && _heap is not null && _memory.TryReadUInt64(r.UserTag, out ulong target) && target != 0)
        {
            ManagedVerdict v = _heap.ClassifyObjectAt(target);
            return v.ObjectType is null
                ? new ReleasedPinWordFinding()
                : new ReleasedPinWordFinding { ObjectNowAt = target, ObjectAddress = v.ObjectAddress, ObjectType = v.ObjectType, ObjectSize = v.ObjectSize };
        }

        return r.UserTag != 0 ? new ReleasedPinWordFinding { ObjectCollected = true } : new ReleasedPinWordFinding();
    }

    /// <summary>The fate of a call-scoped callback's delegate, from the slot cell its user_tag points at (16 bytes:
    /// the id of the latest range registered through the slot, then the address of a weak GC handle to that range's
    /// delegate; src/InteropGuard/Interception/CallScopedCallbacks.cs). A superseded range, or a cell that cannot be
    /// read, is unknown.</summary>
    private CallbackFate FateOf(RangeRecord r)
    {
        if (r.UserTag == 0 || !_memory.TryReadUInt64(r.UserTag, out ulong latest) || latest != r.Id ||
            !_memory.TryReadUInt64(r.UserTag + 8, out ulong handle) || handle == 0 || !_memory.TryReadUInt64(handle, out ulong target))
        {
            return CallbackFate.Unknown;
        }

        return target == 0 ? CallbackFate.Collected : CallbackFate.Alive;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Filling the common fields.

    /// <summary>The word's value and where it sits.</summary>
    private Finding OfWord(Finding shape, ulong value, ulong at, ScanHolder holder) => shape with
    {
        Kind = KindOf(shape),
        Address = value,
        Size = 8,
        Holder = HolderName(holder.Kind),
        HolderAddress = at,
        HolderStart = holder.Start,
        HolderSize = holder.Size,
        HolderOffset = at - holder.Start,
        HolderSite = holder.Record is RangeRecord rec ? Site(rec.AllocSite) : holder.Site,
        Library = holder.Library,
        HolderHow = holder.How,
    };

    /// <summary>The range involved; a finding about the range itself (no word) also gets its size and holder "range".</summary>
    private Finding OfRange(Finding shape, RangeRecord r, ulong address)
    {
        Finding f = shape.Holder is null ? shape with { Kind = KindOf(shape), Address = address, Size = r.Size, Holder = HolderName(HolderKind.Range) } : shape;
        uint flags = r.Flags & TableLayout.FlagsReported;
        return f with
        {
            RangeId = r.Id,
            RangeKind = TableLayout.KindName(r.Kind),
            RangeFlags = flags == 0 ? null : flags,
            RangeStart = r.Start,
            RangeSize = r.Size,
            AllocSite = Site(r.AllocSite),
            ReleaseSite = Site(r.ReleaseSite),
            SinceReleaseMs = r.ReleaseTimeNs != 0 && !r.IsLive ? SinceMs(r.ReleaseTimeNs) : f.SinceReleaseMs,
        };
    }

    private static Finding WithObject(Finding f, ManagedVerdict v, ulong address) => v.ObjectAddress == 0 ? f : f with
    {
        ObjectAddress = v.ObjectAddress,
        ObjectType = v.ObjectType,
        ObjectSize = v.ObjectSize,
        ObjectOffset = address >= v.ObjectAddress ? address - v.ObjectAddress : null,
    };

    /// <summary>The kind a shape reports (each shape has one).</summary>
    private static string KindOf(Finding shape) => shape switch
    {
        UnpinnedWordFinding or UnpinnedRetainedPinFinding => FindingKinds.UnpinnedManagedPointer,
        DanglingWordFinding or CollectedRetainedPinFinding or MovedRetainedPinFinding => FindingKinds.DanglingManagedPointer,
        FreedBlockWordFinding => FindingKinds.NativeUseAfterFree,
        UnmappedViewWordFinding => FindingKinds.UseAfterUnmap,
        ReleasedPinWordFinding => FindingKinds.UseAfterUnpin,
        ReleasedCallbackWordFinding or CollectedCallScopedCallbackWordFinding or CollectedRetainedCallbackFinding => FindingKinds.CollectedDelegateCallback,
        DamagedRedzoneFinding => FindingKinds.NativeBufferOverflow,
        PinAliveAtExitFinding or PinAliveTooLongFinding => FindingKinds.LeakedPin,
        _ => throw new ArgumentException("not a shape the validator makes: " + shape.GetType().Name, nameof(shape)),
    };

    /// <summary>The protocol's spelling of a holder kind.</summary>
    internal static string HolderName(HolderKind holder) => holder switch
    {
        HolderKind.NativeBlock => "native-block",
        HolderKind.NativeRegion => "native-region",
        HolderKind.LibraryData => "library-data",
        HolderKind.NativeHeap => "native-heap",
        _ => "range",
    };

    private double SinceMs(ulong thenNs) => thenNs != 0 && _nowNs > thenNs ? (_nowNs - thenNs) / 1_000_000.0 : 0;

    private FindingSite? Site(uint id) => _table.GetSite(_memory, id);
}
