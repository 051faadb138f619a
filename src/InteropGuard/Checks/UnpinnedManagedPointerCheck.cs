// UnpinnedManagedPointerCheck.cs: decides whether a pointer argument, or a pointer nested in one (a field, an element, a pointer slot), points into a managed object nothing pins; mode 2 only.
using System;
using System.Threading;
using InteropGuard.Findings;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Protocol;
using InteropGuard.Reporting;
using InteropGuard.Validation;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>The call-boundary half of <c>unpinned-managed-pointer</c> (Go's cgocheck=1 for nested pointers, and for
/// pointer arguments themselves: a <c>T*</c>, <c>void*</c> or <c>nint</c> argument into the GC heap). The
/// allowed cases come first, cheapest first; the validator is asked last. Mode 1 never reports this kind: a
/// <c>fixed</c> local or a pinned GCHandle is invisible in-process, so nothing short of the validator is certain
/// (docs/design/modes.md).</summary>
internal static unsafe class UnpinnedManagedPointerCheck
{
    private static int s_notRunningSaid;
    private static int s_undecidedSaid;

    // The GC's reservation once the validator named it (fixed for the process with the regions GC); size 0 = not known
    // yet. Written once, lo before size, so a reader that sees the size sees the start.
    private static nint s_gcLo;
    private static nuint s_gcSize;

    /// <summary>True when <paramref name="value"/> certainly lies outside the GC's reservation (native memory, frozen
    /// literals, RVA data, a handle value): nothing to ask. False while the reservation is not known yet (the slow path
    /// learns it). One compare: the common case of a call whose pointers are all native.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsOutsideGcHeap(nint value)
    {
        nuint size = Volatile.Read(ref s_gcSize);
        return size != 0 && (nuint)(value - s_gcLo) >= size;
    }

    /// <summary>The violation for <paramref name="value"/>, passed as or held at <paramref name="path"/> of a call's argument, or
    /// null when it is allowed or cannot be decided (said once).</summary>
    public static Violation? Check(nint value, string path, GuardedCallSite site)
    {
        ValidatorChannel? channel = ValidatorSession.ReadyChannel(GuardRuntime.Options.ValidatorTimeoutMs);
        if (channel is null)
        {
            SayOnce(ref s_notRunningSaid, CheckWarnings.NestedPointersUnchecked);
            return null;
        }

        (nint lo, nint hi) = channel.GcRange;
        if (hi != 0 && Volatile.Read(ref s_gcSize) == 0)
        {
            s_gcLo = lo;
            Volatile.Write(ref s_gcSize, (nuint)(hi - lo));
        }

        if (hi != 0 && (nuint)(value - lo) >= (nuint)(hi - lo))
        {
            return null; // outside the GC's reservation: native memory, frozen literals, RVA data
        }

        IgRange range;
        int epoch = GC.CollectionCount(0); // before the lookup: a GC after it makes the verdict stale
        if (InterceptionNative.Lookup((void*)value, 1, &range) == IgConstants.LookupInside && range.State == IgConstants.StateLive)
        {
            PinConsult.RememberAllowed(value, epoch); // a hot loop over a pinned buffer skips the lookup until the next GC
            return null; // a live pin of InteropGuard (Guard.Pin, a tracked pinned GCHandle, a call-scoped pin) or a tracked native range
        }

        if (PinConsult.IsKnownAllowed(value))
        {
            return null; // found pinned since the last GC
        }

        if (ValidatorChannel.OnReaderThread)
        {
            return null; // a handler of a validator finding calling native code: asking would wait for itself
        }

        PinVerdict? verdict = PinConsult.Ask(channel, value);
        if (verdict is not { } v)
        {
            return null; // the validator stopped or timed out: it warned
        }

        if (v.Verdict == ClassifiedAddress.Unknown)
        {
            SayOnce(ref s_undecidedSaid, CheckWarnings.NestedPointerUnclassified(AddressReasons.Words(v.Why, v.Thread)));
            return null;
        }

        if (v.Verdict != ClassifiedAddress.Unpinned)
        {
            return null; // pinned (handle, POH, frozen, fixed), not managed, or dangling (not this check's question)
        }

        // Unpinned is final: the validator gives it only when every thread's stack was walked as far as a pointer into the
        // object reaches (a thread stopped where its walk stops short is asked again at a later stop).

        var obj = new ViolationObject(v.ObjectAddress, v.ObjectType, v.ObjectSize, v.ObjectAddress == 0 ? 0 : value - v.ObjectAddress);
        return new UnpinnedPointerAtCallViolation(value, channel.Pid) { Size = IntPtr.Size, Argument = path, AccessSite = site.ForReport(), ManagedObject = obj };
    }

    private static void SayOnce(ref int flag, string text)
    {
        if (Interlocked.Exchange(ref flag, 1) == 0)
        {
            Reporter.Warn(text);
        }
    }
}
