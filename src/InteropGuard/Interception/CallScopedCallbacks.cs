// CallScopedCallbacks.cs: delegates passed to intercepted P/Invokes whose parameter does not retain them: a CALLBACK range for the duration of the call, and per call site and parameter one weak reference to the latest delegate, so a kept function pointer can later be told alive or collected.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Callbacks;
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Interception;

/// <summary>
/// Call-scoped callbacks (the <c>qsort</c> kind: native code calls the function pointer only during the call, and the
/// marshaller keeps the delegate alive until it returns). A call registers a CALLBACK range flagged CALL_SCOPED (not
/// RETAINED) at the delegate's entry in the calling thread's pin log (<c>ig_pin_register_callback</c>; the shared table
/// only when every slot of the log holds a live record) and releases it when the call returns; nothing lasts beyond the
/// call but the released record, readable until the thread has registered 256 more pins and callbacks, so a loop that
/// passes a fresh delegate per call costs no memory that grows and no work in the shared table's index.
/// <para>A released call-scoped callback is not by itself a bug. It becomes one when native code kept the function
/// pointer (a word in native memory, or the pointer coming back to a checked call) <em>and</em> the delegate was
/// collected. For the second half each call site and delegate parameter has a <see cref="Slot"/>: one weak GC handle
/// set to the latest delegate passed there, and a 16-byte native cell the validator reads from outside the process:</para>
/// <code>
///   cell (user_tag of every range registered through the slot, never freed)
///   offset size
///   0      8    range id of the latest range registered through the slot
///   8      8    address of the weak GC handle's slot (GCHandle.ToIntPtr): the delegate of that range, 0 once collected
/// </code>
/// A range whose id is still in its cell is answerable (alive or collected); an older one was superseded by a later call
/// at the same site, and whether its delegate lives is unknown: reports stay silent and say once that they cannot tell.
/// </summary>
internal static unsafe class CallScopedCallbacks
{
    /// <summary>What is known about the delegate of a call-scoped callback range.</summary>
    public enum Fate
    {
        /// <summary>The slot's weak handle still holds the range's delegate.</summary>
        Alive,
        /// <summary>The range's delegate was collected: its entry may be freed or reused.</summary>
        Collected,
        /// <summary>A later call at the same site and parameter replaced the delegate in the slot.</summary>
        Unknown,
    }

    private static int s_unknownWarned;

    /// <summary>Registers <paramref name="callback"/> as a call-scoped callback of <paramref name="site"/>'s
    /// <paramref name="parameter"/>-th delegate parameter. Returns the range id to release after the call; 0 when
    /// nothing was registered (a GuardedCallback's wrapper or a retained delegate: they own their ranges; generic
    /// delegates, which cannot be marshalled; a full table).</summary>
    public static ulong Enter<TDelegate>(TDelegate callback, GuardedCallSite site, int parameter)
        where TDelegate : Delegate
    {
        if (callback.Target is CallbackTrampoline)
        {
            return 0; // a GuardedCallback's wrapper: its range is the GuardedCallback's
        }

        return site.CallbackSlot(parameter).Register(callback, site.SiteId);
    }

    /// <summary>Releases what <see cref="Enter{TDelegate}"/> registered; 0 is ignored.</summary>
    public static void Exit(ulong id, GuardedCallSite site)
    {
        if (id != 0)
        {
            InterceptionNative.RangeRelease(id, site.SiteId, null);
        }
    }

    /// <summary>The fate of the delegate of a CALLBACK range flagged CALL_SCOPED (its user_tag is a cell).</summary>
    public static Fate FateOf(in IgRange range)
    {
        if (range.UserTag == 0)
        {
            return Fate.Unknown;
        }

        var cell = (Cell*)range.UserTag;
        if (Volatile.Read(ref cell->RangeId) != range.Id)
        {
            return Fate.Unknown;
        }

        // A call racing this read stores its delegate before its id, so a stale id here can only see a live delegate.
        return GCHandle.FromIntPtr(cell->Handle).Target is null ? Fate.Collected : Fate.Alive;
    }

    /// <summary>Says once that a kept function pointer of a superseded call-scoped callback could not be checked.</summary>
    public static void WarnUnknown(string site)
    {
        if (Interlocked.Exchange(ref s_unknownWarned, 1) == 0)
        {
            Reporter.Warn(CheckWarnings.UndecidedCallScopedCallback(site));
        }
    }

    /// <summary>The native cell of a slot (layout in the class summary).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Cell
    {
        public ulong RangeId;
        public nint Handle;
    }

    /// <summary>One call site's delegate parameter: its weak handle and native cell, made on the first call and kept
    /// for the life of the process (one per site and parameter, like the site itself). The slot also remembers the
    /// function pointer of the delegate its handle holds and the registry generation at which that delegate was found
    /// untracked, so a call that passes the same delegate again (a static lambda, a cached comparer) skips the registry
    /// lookup, the function-pointer lookup and the handle write: the handle holding the delegate proves it is the same
    /// object, alive, with the same entry; an unchanged generation proves no retaining call registered it since.</summary>
    internal sealed class Slot
    {
        private readonly Lock _gate = new();
        private readonly GCHandle _weak;
        private readonly Cell* _cell;
        private nint _entry;       // the function pointer of the delegate _weak holds
        private long _generation;  // CallbackRegistry.Generation before that delegate was found untracked

        public Slot()
        {
            _weak = GCHandle.Alloc(null, GCHandleType.Weak);
            System.Diagnostics.Debug.Assert(sizeof(Cell) == 16, "the validator reads the cell as two 8-byte words");
            _cell = (Cell*)NativeMemory.AllocZeroed((nuint)sizeof(Cell));
            _cell->Handle = GCHandle.ToIntPtr(_weak);
        }

        /// <summary>Registers the range and makes <paramref name="callback"/> the slot's delegate, under the slot's lock
        /// so the cell's id and the handle's target always belong to the same call. Returns 0 for a delegate the registry
        /// tracks or that cannot be marshalled.</summary>
        public ulong Register<TDelegate>(TDelegate callback, uint site)
            where TDelegate : Delegate
        {
            long generation = CallbackRegistry.Generation;
            if (IsCached(callback, generation)) // a hint read without the lock, confirmed under it
            {
                lock (_gate)
                {
                    if (IsCached(callback, generation))
                    {
                        ulong id = RegisterRange(_entry, site);
                        if (id != 0)
                        {
                            Volatile.Write(ref _cell->RangeId, id); // the handle holds this delegate already
                        }

                        return id;
                    }
                }
            }

            return RegisterNew(callback, site, generation);
        }

        private bool IsCached(Delegate callback, long generation) =>
            ReferenceEquals(_weak.Target, callback) && Volatile.Read(ref _generation) == generation;

        // Another delegate than the slot's last one, or one the registry may have taken since: the lookups outside the
        // lock (a fresh delegate's first function-pointer lookup makes its stub), then the range and the slot under it.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private ulong RegisterNew<TDelegate>(TDelegate callback, uint site, long generation)
            where TDelegate : Delegate
        {
            if (CallbackRegistry.IdOf(callback) != 0)
            {
                return 0; // passed to a retaining parameter before: tracked until collected
            }

            nint entry;
            try
            {
                entry = Marshal.GetFunctionPointerForDelegate(callback);
            }
            catch (ArgumentException)
            {
                return 0; // generic delegates cannot be marshalled: the P/Invoke itself will say so
            }

            if (entry == 0)
            {
                return 0;
            }

            lock (_gate)
            {
                ulong id = RegisterRange(entry, site);
                if (id == 0)
                {
                    return 0;
                }

                // The target first, then the id: a reader that finds this id finds this delegate.
                GCHandle weak = _weak;
                weak.Target = callback;
                _entry = entry;
                Volatile.Write(ref _generation, generation);
                Volatile.Write(ref _cell->RangeId, id);
                return id;
            }
        }

        private ulong RegisterRange(nint entry, uint site)
        {
            ulong id;
            IgStatus status = InterceptionNative.PinRegisterCallback((void*)entry, IgConstants.FlagCallScoped, site, (ulong)_cell, &id);
            if (status != IgStatus.Ok)
            {
                if (status == IgStatus.TableFull)
                {
                    RangeRegistration.WarnTableFull("call-scoped callbacks");
                }

                return 0;
            }

            PinLogHandles.SlotRetagged(id);
            return id;
        }
    }
}
