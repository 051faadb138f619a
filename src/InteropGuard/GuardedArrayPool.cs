// GuardedArrayPool.cs: an ArrayPool<T> that poisons returned arrays and holds them in a quarantine before they can be rented again, so a use after return (late async I/O, native code keeping the pointer, a second return) is found; a plain pass-through in mode 0.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Checks;
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that finds <c>array-pool-use-after-return</c> (IG0010). In modes 1 and 2 a returned array
/// is filled with <c>free_fill_byte</c> (0x55) and held in a quarantine of <c>pool_quarantine</c> returns (default 64) before
/// it goes back to the pool underneath and can be rented again. Reports name the rent and return sites:
/// <list type="bullet">
/// <item>a write into a returned array (an async read that completes late, native code that kept the pointer): found when
/// the array leaves the quarantine, or by <see cref="Verify"/> / <see cref="Guard.Verify"/> (reported, not thrown);</item>
/// <item>a second return of an array that is still returned, or a return while a <see cref="Guard.Pin{T}(T[], string, string, int)"/>
/// on it is live (thrown from <c>Return</c>, which then does nothing);</item>
/// <item>a pointer into a returned array that reaches <see cref="Guard.Check(nint, nint, string?, string, string, int)"/>.</item>
/// </list>
/// Pools from <see cref="Shared"/> and <see cref="Create"/> allocate their arrays on the pinned object heap, so every such
/// finding is proven; a pool that wraps another pool (<see cref="GuardedArrayPool(ArrayPool{T})"/>) reports a pointer into a
/// returned array only while the array is in its quarantine and has not moved. Call <c>Rent</c> and <c>Return</c> on a
/// <c>GuardedArrayPool&lt;T&gt;</c> variable: they record the caller for free; through an <c>ArrayPool&lt;T&gt;</c> variable
/// the sites are "not recorded" unless <c>capture_stacks=1</c>. Costs a table record and a poison fill per rent/return
/// cycle, and the memory of the arrays held. In mode 0 every call goes straight to the pool underneath.
/// </summary>
/// <typeparam name="T">An unmanaged element type (the bytes are poisoned).</typeparam>
public sealed class GuardedArrayPool<T> : ArrayPool<T>, IGuardedPool
    where T : unmanaged
{
    private const int DefaultMaxArrayLength = 1024 * 1024;
    private const int DefaultMaxArraysPerBucket = 50;

    private static readonly Lazy<GuardedArrayPool<T>> s_shared = new(static () => GuardRuntime.Enabled
        ? new GuardedArrayPool<T>(new PinnedArrayPool<T>(DefaultMaxArrayLength, DefaultMaxArraysPerBucket))
        : new GuardedArrayPool<T>(ArrayPool<T>.Shared));

    private readonly ArrayPool<T> _inner;
    private readonly PinnedArrayPool<T>? _own;
    private readonly object _gate; // the quarantine and the records; with a private pool, its gate too
    private readonly Queue<(T[] Array, PooledArrayRecord Record)> _quarantine = new();

    // The array this pool rented last and its record, until it comes back or the next rent: a return of the array just
    // rented (the usual rent, use, return) finds its record without the weak table's lookup. Holds that one array
    // strongly meanwhile, so an array rented and dropped is collected after the pool's next rent, not at once. Under _gate.
    private T[]? _lastRented;
    private PooledArrayRecord? _lastRecord;

    /// <summary>Guards <paramref name="inner"/>: its arrays are quarantined and poisoned on return, then given back to it.
    /// Arrays it allocates may move, so a pointer into a returned one is reported only while provable (see the type).</summary>
    /// <param name="inner">The pool to guard, e.g. <see cref="ArrayPool{T}.Shared"/>; must not be null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public GuardedArrayPool(ArrayPool<T> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _own = inner as PinnedArrayPool<T>;
        _gate = _own?.Gate ?? new object();
        if (GuardRuntime.Enabled)
        {
            PooledArrays.AddPool(this);
        }
    }

    /// <summary>The process-wide guarded pool. Modes 1 and 2: its own arrays, allocated on the pinned object heap (lengths up
    /// to 2^20 pooled, 50 per size). Mode 0: <see cref="ArrayPool{T}.Shared"/> itself, unchecked.</summary>
    public static new GuardedArrayPool<T> Shared => s_shared.Value;

    /// <summary>A new guarded pool with its own arrays on the pinned object heap (modes 1 and 2), or over
    /// <see cref="ArrayPool{T}.Create(int, int)"/> in mode 0.</summary>
    /// <param name="maxArrayLength">Longest length pooled; longer rents allocate each time (at least 16).</param>
    /// <param name="maxArraysPerBucket">Arrays kept per length (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive.</exception>
    public static new GuardedArrayPool<T> Create(int maxArrayLength = DefaultMaxArrayLength, int maxArraysPerBucket = DefaultMaxArraysPerBucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxArrayLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxArraysPerBucket);
        return GuardRuntime.Enabled
            ? new GuardedArrayPool<T>(new PinnedArrayPool<T>(maxArrayLength, maxArraysPerBucket))
            : new GuardedArrayPool<T>(ArrayPool<T>.Create(maxArrayLength, maxArraysPerBucket));
    }

    /// <summary>True when the pool allocates its own arrays on the pinned object heap (every finding provable); false when
    /// it wraps another pool, and in mode 0.</summary>
    public bool AllocatesPinnedArrays => _own is not null;

    /// <summary>Returned arrays held in the quarantine now (0 in mode 0).</summary>
    public int QuarantinedCount
    {
        get
        {
            lock (_gate)
            {
                return _quarantine.Count;
            }
        }
    }

    private static bool Guarded => GuardRuntime.Enabled && GuardRuntime.Options.IsDetected(ViolationKind.ArrayPoolUseAfterReturn);

    /// <summary>Rents an array of at least <paramref name="minimumLength"/> elements (its contents are whatever the last
    /// user or the poison left), recording the caller as the rent site.</summary>
    /// <param name="minimumLength">Elements needed, 0 or more (0 gives an empty, untracked array).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumLength"/> is negative.</exception>
    public T[] Rent(int minimumLength, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!Guarded)
        {
            return _inner.Rent(minimumLength);
        }

        return RentCore(minimumLength, SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1));
    }

    /// <summary>Rent through an <see cref="ArrayPool{T}"/> reference: the rent site is not recorded (unless capture_stacks=1).</summary>
    /// <param name="minimumLength">Elements needed, 0 or more.</param>
    public override T[] Rent(int minimumLength)
    {
        if (!Guarded)
        {
            return _inner.Rent(minimumLength);
        }

        return RentCore(minimumLength, UnrecordedSite(nameof(Rent)));
    }

    /// <summary>Returns an array to the pool, recording the caller as the return site. Modes 1 and 2: the array is poisoned
    /// and quarantined; a second return, or a return while a Guard.Pin on it is live, throws
    /// <see cref="InteropViolationException"/> and leaves the array where it was. Arrays leaving the quarantine are checked
    /// for writes after return (reported, not thrown, naming this call as the one that found it).</summary>
    /// <param name="array">The array; must not be null. Empty arrays are ignored.</param>
    /// <param name="clearArray">Clear it before anyone can rent it again (done when it leaves the quarantine).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    public void Return(T[] array, bool clearArray = false, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (!Guarded)
        {
            _inner.Return(array, clearArray);
            return;
        }

        ReturnCore(array, clearArray, SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1));
    }

    /// <summary>Return through an <see cref="ArrayPool{T}"/> reference: the return site is not recorded (unless capture_stacks=1).</summary>
    /// <param name="array">The array; must not be null.</param>
    /// <param name="clearArray">Clear it before anyone can rent it again.</param>
    public override void Return(T[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (!Guarded)
        {
            _inner.Return(array, clearArray);
            return;
        }

        ReturnCore(array, clearArray, UnrecordedSite(nameof(Return)));
    }

    /// <summary>Checks the poison of every array in the quarantine now (cost: a scan of their bytes). Each damaged array is
    /// reported (text, event, count; halt_on_error honoured, nothing thrown), poisoned again and kept; the list is returned.
    /// Empty in mode 0.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public IReadOnlyList<Violation> Verify([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!Guarded)
        {
            return [];
        }

        List<Violation> found = ((IGuardedPool)this).VerifyQuarantine(
            SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1), byVerify: true);
        return ReportAll(found);
    }

    List<Violation> IGuardedPool.VerifyQuarantine(SourceSite? site, bool byVerify)
    {
        var found = new List<Violation>();
        lock (_gate)
        {
            foreach ((T[] array, PooledArrayRecord record) in _quarantine)
            {
                if (CheckPoison(array, record, byVerify, site) is { } v)
                {
                    found.Add(v);
                    Poison(array); // found once; a later write is a new finding
                }
            }
        }

        return found;
    }

    private T[] RentCore(int minimumLength, SourceSite site)
    {
        if (_own is not null)
        {
            lock (_gate) // the private pool's gate: its rent and the bookkeeping in one critical section
            {
                T[] own = _own.RentHeld(minimumLength, out PooledArrayRecord? known);
                if (own.Length != 0)
                {
                    Rented(own, known ?? PooledArrays.GetOrAdd(own, ByteLength(own), pinnedMemory: true), site);
                }

                return own;
            }
        }

        T[] array = _inner.Rent(minimumLength);
        if (array.Length != 0)
        {
            lock (_gate)
            {
                Rented(array, PooledArrays.GetOrAdd(array, ByteLength(array), pinnedMemory: false), site);
            }
        }

        return array;
    }

    // Under _gate: the record of a freshly rented array.
    private void Rented(T[] array, PooledArrayRecord record, SourceSite site)
    {
        _lastRented = array;
        _lastRecord = record;
        record.State = PooledArrayState.Rented;
        if (record.Pool != this)
        {
            record.Pool = this; // a reference store pays the GC's write barrier: skipped when it would not change
        }

        record.Held = null;
        record.RentSite = site;
        record.ReturnSite = null;
        record.ClearPins();
        record.RangeId = 0;
        record.RangeLive = false;
        if (record.PinnedMemory)
        {
            // A POH array is pinned for real: track it live while rented, so the pool's own pointers pass Check at once.
            record.RangeId = Register(array, record, site);
            record.RangeLive = record.RangeId != 0;
        }
    }

    private void ReturnCore(T[] array, bool clearArray, SourceSite site)
    {
        if (array.Length == 0)
        {
            return;
        }

        Violation? refused = null;
        List<Violation>? evicted = null;
        lock (_gate)
        {
            PooledArrayRecord? record = ReferenceEquals(array, _lastRented) ? _lastRecord : PooledArrays.Find(array);
            _lastRented = null;
            _lastRecord = null;
            if (record is not null && record.State is PooledArrayState.Quarantined or PooledArrayState.Idle)
            {
                refused = ArrayPoolUseAfterReturnCheck.DoubleReturn(record, array, CallerSite.Resolve(site, "GuardedArrayPool.Return"));
                if (refused is null)
                {
                    return; // detect off: a second return is ignored (two renters must never get one array)
                }
            }
            else if (record?.LivePinSite() is { } pinSite)
            {
                refused = ArrayPoolUseAfterReturnCheck.ReturnWhilePinned(record, array, pinSite, CallerSite.Resolve(site, "GuardedArrayPool.Return"));
            }

            if (refused is null)
            {
                record ??= PooledArrays.GetOrAdd(array, ByteLength(array), pinnedMemory: false);
                Quarantine(array, record, clearArray, site);
                evicted = Evict(site);
            }
        }

        if (evicted is not null)
        {
            ReportAll(evicted);
        }

        if (refused is not null)
        {
            Reporter.Report(refused, throwOnReport: true);
        }
    }

    private void Quarantine(T[] array, PooledArrayRecord record, bool clearArray, SourceSite site)
    {
        record.State = PooledArrayState.Quarantined;
        if (record.Pool != this)
        {
            record.Pool = this;
        }

        record.Held = array;
        record.ReturnSite = site;
        record.ReturnNs = GuardRuntime.MonotonicNs();
        record.ReturnAddress = PooledArrayRecord.DataAddress(array);
        record.ClearOnExit = clearArray;
        record.ClearPins();
        Poison(array);
        unsafe
        {
            if (record.RangeLive)
            {
                RangeRegistration.ReleaseRange(record.RangeId, site.Id, withoutTransition: true);
            }
            else
            {
                // Not tracked while rented (it may have moved): a released record at its address now, rent site as origin.
                ulong id = Register(array, record, record.RentSite);
                if (id != 0)
                {
                    RangeRegistration.ReleaseRange(id, site.Id, withoutTransition: true);
                }

                record.RangeId = id;
            }
        }

        record.RangeLive = false;
        if (GuardRuntime.Options.CaptureStacks && record.RangeId != 0)
        {
            StackStore.RecordRelease(record.RangeId, site.Stack ?? SiteRegistry.CaptureStack(2));
        }

        _quarantine.Enqueue((array, record));
    }

    /// <summary>Moves arrays past the quarantine limit to the pool underneath, checking their poison first.</summary>
    private List<Violation>? Evict(SourceSite site)
    {
        List<Violation>? found = null;
        int limit = Math.Max(0, GuardRuntime.Options.PoolQuarantine);
        while (_quarantine.Count > limit)
        {
            (T[] array, PooledArrayRecord record) = _quarantine.Dequeue();
            if (CheckPoison(array, record, byVerify: false, site) is { } v)
            {
                (found ??= []).Add(v);
                Forget(record); // something may still write it: never hand it to another renter
                continue;
            }

            if (_own is not null && record.PinnedMemory && _own.TryReturnHeld(array, record, record.ClearOnExit))
            {
                record.State = PooledArrayState.Idle; // private pool: still provably unused
                continue;
            }

            Forget(record);
            if (_own is null)
            {
                _inner.Return(array, record.ClearOnExit);
            }
        }

        return found;
    }

    private static void Forget(PooledArrayRecord record)
    {
        record.State = PooledArrayState.Gone;
        record.Held = null;
        record.RentSite = null; // whoever rents it next from the pool underneath is unknown
    }

    private static Violation? CheckPoison(T[] array, PooledArrayRecord record, bool byVerify, SourceSite? site)
    {
        byte poison = (byte)GuardRuntime.Options.FreeFillByte;
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(array.AsSpan());
        int first = bytes.IndexOfAnyExcept(poison);
        if (first < 0)
        {
            return null;
        }

        int last = bytes.LastIndexOfAnyExcept(poison);
        int damaged = 0;
        for (int i = first; i <= last; i++)
        {
            damaged += bytes[i] != poison ? 1 : 0;
        }

        return ArrayPoolUseAfterReturnCheck.WrittenAfterReturn(record, array, first, last, damaged, byVerify, site);
    }

    private static void Poison(T[] array) => MemoryMarshal.AsBytes(array.AsSpan()).Fill((byte)GuardRuntime.Options.FreeFillByte);

    private static unsafe ulong Register(T[] array, PooledArrayRecord record, SourceSite? site)
    {
        ulong id;
        fixed (T* p = array)
        {
            id = PinLogHandles.Register(null, p, (nuint)record.ByteLength, IgConstants.FlagPooledArray, site?.Id ?? 0, 0,
                "pooled arrays", out _);
            if (id == 0)
            {
                return 0; // table full: untracked
            }
        }

        if (GuardRuntime.Options.CaptureStacks && site?.Stack is { } stack)
        {
            StackStore.RecordAlloc(id, stack);
        }

        return id;
    }

    private static unsafe nint ByteLength(T[] array) => (nint)array.Length * sizeof(T);

    private static SourceSite UnrecordedSite(string method)
    {
        if (GuardRuntime.Options.CaptureStacks)
        {
            return CallerSite.FromStack("GuardedArrayPool." + method);
        }

        // A stand-in that says how to get the real site; a violation found by this very call walks the stack instead.
        SourceSite interned = SiteRegistry.Get("GuardedArrayPool." + method + " (called through ArrayPool<T>: site not recorded; call it on a GuardedArrayPool<T> variable, or set capture_stacks=1)", "", 0);
        return new SourceSite(interned.Member, "", 0, null, interned.Id, unrecorded: true);
    }

    private static List<Violation> ReportAll(List<Violation> found)
    {
        var reported = new List<Violation>(found.Count);
        foreach (Violation v in found)
        {
            if (Reporter.Report(v, throwOnReport: false))
            {
                reported.Add(v);
            }
        }

        return reported;
    }
}
