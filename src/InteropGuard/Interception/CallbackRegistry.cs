// CallbackRegistry.cs: delegates passed to retaining parameters of intercepted P/Invokes, each registered once as a RETAINED CALLBACK range at its function pointer and released when the GC collects the delegate.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Callbacks;
using InteropGuard.Native;
using InteropGuard.Shadow;

namespace InteropGuard.Interception;

/// <summary>The callback ranges of delegates native code keeps: passed to a parameter marked <c>[RetainedByNative]</c> or of
/// a known registration API (the generator decides; every other delegate is a call-scoped callback,
/// <see cref="CallScopedCallbacks"/>). Such a delegate is registered once
/// (kind CALLBACK, start = <see cref="Marshal.GetFunctionPointerForDelegate{TDelegate}(TDelegate)"/>, size 1, flag RETAINED
/// because native code may call it at any later time, user_tag = a weak GC handle to the delegate). The entry is
/// the value of a <see cref="ConditionalWeakTable{TKey, TValue}"/> keyed by the delegate, so it becomes unreachable
/// with the delegate; its finalizer then releases the range. From then on the function pointer — whose thunk the
/// runtime frees with the delegate — is a released callback: passing it to a checked call is a
/// <c>collected-delegate-callback</c>, and the validator reports native memory that still holds it.</summary>
internal static unsafe class CallbackRegistry
{
    private static readonly ConditionalWeakTable<Delegate, Entry> s_entries = new();
    private static long s_live;
    private static long s_generation;
    private static SourceSite? s_collectedSite;

    /// <summary>Registers <paramref name="callback"/> the first time it is seen (later calls cost one table lookup).</summary>
    public static void Track<TDelegate>(TDelegate callback, GuardedCallSite site)
        where TDelegate : Delegate
    {
        if (s_entries.TryGetValue(callback, out _))
        {
            return; // registered by an earlier call
        }

        if (callback.Target is CallbackTrampoline)
        {
            return; // a GuardedCallback's wrapper: its range is the GuardedCallback's (released at its Dispose, not at collection)
        }

        Register(callback, site);
    }

    /// <summary>Delegates registered and not yet finalized: each holds an entry, a weak GC handle and a range.</summary>
    public static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>Counts the delegates registered so far; it grows after a registration is complete (its entry in the table,
    /// its range id set), so a delegate <see cref="IdOf"/> found untracked while this still reads as before cannot have been
    /// registered since (the cache of <see cref="CallScopedCallbacks"/>' slots).</summary>
    public static long Generation => Volatile.Read(ref s_generation);

    /// <summary>The range id of a tracked delegate, 0 when it is not tracked.</summary>
    public static ulong IdOf(Delegate callback) => s_entries.TryGetValue(callback, out Entry? e) ? e.Id : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Register<TDelegate>(TDelegate callback, GuardedCallSite site)
        where TDelegate : Delegate
    {
        nint entry;
        try
        {
            entry = Marshal.GetFunctionPointerForDelegate(callback);
        }
        catch (ArgumentException)
        {
            return; // generic delegates cannot be marshalled: the P/Invoke itself will say so
        }

        if (entry == 0)
        {
            return;
        }

        // Create the entry before registering so a racing second call for the same delegate registers nothing.
        var created = new Entry();
        Entry winner = s_entries.GetValue(callback, _ => created);
        if (!ReferenceEquals(winner, created))
        {
            GC.SuppressFinalize(created);
            return;
        }

        GCHandle weak = GCHandle.Alloc(callback, GCHandleType.Weak);
        ulong id = RangeRegistration.Register(RangeKind.Callback, (void*)entry, 1, IgConstants.FlagRetained,
            site.SiteId, (ulong)GCHandle.ToIntPtr(weak), "callbacks");
        if (id == 0)
        {
            weak.Free();
            GC.SuppressFinalize(created);
            return;
        }

        created.Attach(id, weak);
        Interlocked.Increment(ref s_live);
        Interlocked.Increment(ref s_generation); // after Attach: a reader of the new generation finds the id
    }

    /// <summary>The release site of collected delegates (no user code releases them).</summary>
    private static SourceSite CollectedSite() =>
        s_collectedSite ??= SiteRegistry.Get("(the delegate was collected by the GC: nothing kept it alive)", "", 0);

    /// <summary>One tracked delegate: its range and the weak handle the range's user_tag holds. Finalized after its
    /// delegate was collected (the table's dependent handle keeps it alive exactly as long as the delegate).</summary>
    private sealed class Entry
    {
        private ulong _id;
        private GCHandle _weak;

        public ulong Id => Volatile.Read(ref _id);

        public void Attach(ulong id, GCHandle weak)
        {
            _weak = weak;
            Volatile.Write(ref _id, id);
        }

        ~Entry()
        {
            ulong id = Volatile.Read(ref _id);
            if (id == 0)
            {
                return;
            }

            Interlocked.Decrement(ref s_live);
            try
            {
                IgNative.ig_range_release(id, CollectedSite().Id, null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Never take the finalizer thread down; the range just stays live.
            }

            // The released record keeps the handle's value in user_tag; the state (RELEASED) says it is stale.
            if (_weak.IsAllocated)
            {
                _weak.Free();
            }
        }
    }
}
