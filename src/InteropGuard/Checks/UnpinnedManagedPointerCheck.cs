// UnpinnedManagedPointerCheck.cs: decides whether a pointer nested in a call's argument (a field, an element, a pointer slot) points into a managed object nothing pins; mode 2 only.
using System;
using System.Threading;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Validation;

namespace InteropGuard.Checks;

/// <summary>The call-boundary half of <c>unpinned-managed-pointer</c> (Go's cgocheck=1 for nested pointers). The
/// allowed cases come first, cheapest first; the validator is asked last. Mode 1 never reports this kind: a
/// <c>fixed</c> local or a pinned GCHandle is invisible in-process, so nothing short of the validator is certain
/// (docs/design/modes.md).</summary>
internal static unsafe class UnpinnedManagedPointerCheck
{
    private static int s_notRunningSaid;
    private static int s_undecidedSaid;

    /// <summary>The violation for <paramref name="value"/>, held at <paramref name="path"/> of a call's argument, or
    /// null when it is allowed or cannot be decided (said once).</summary>
    public static Violation? Check(nint value, string path, GuardedCallSite site)
    {
        ValidatorChannel? channel = ValidatorSession.ReadyChannel(GuardRuntime.Options.ValidatorTimeoutMs);
        if (channel is null)
        {
            SayOnce(ref s_notRunningSaid, "InteropGuard: warning: pointers nested in P/Invoke arguments (struct fields, array elements, pointer slots) are not checked for unpinned managed memory: the validator is not running (see above). Call-boundary checks continue.");
            return null;
        }

        (nint lo, nint hi) = channel.GcRange;
        if (hi != 0 && (nuint)(value - lo) >= (nuint)(hi - lo))
        {
            return null; // outside the GC's reservation: native memory, frozen literals, RVA data
        }

        IgRange range;
        if (InterceptionNative.Lookup((void*)value, 1, &range) == IgConstants.LookupInside && range.State == IgConstants.StateLive)
        {
            return null; // a live pin of InteropGuard (Guard.Pin, a call-scoped pin) or a tracked native range
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

        if (v.Verdict == "unknown")
        {
            SayOnce(ref s_undecidedSaid, $"InteropGuard: warning: a pointer nested in a P/Invoke argument could not be classified ({v.Why}); it passed unchecked. Later ones are checked as usual.");
            return null;
        }

        if (v.Verdict != "unpinned")
        {
            return null; // pinned (handle, POH, frozen, fixed), not managed, or dangling (not this check's question)
        }

        // Rare and costly path: confirm with a second stop before reporting. A thread caught at a bad moment of one
        // stop (on its way into a GC suspension) may show none of its pinned stack roots; a real bug stays unpinned.
        if (PinConsult.Confirm(channel, value) is not { Verdict: "unpinned" } confirmed || confirmed.ObjectAddress != v.ObjectAddress)
        {
            return null;
        }

        var obj = new ViolationObject(v.ObjectAddress, v.ObjectType, v.ObjectSize, v.ObjectAddress == 0 ? 0 : value - v.ObjectAddress);
        return new Violation(ViolationKind.UnpinnedManagedPointer, ViolationContext.Call, value, IntPtr.Size, path, site.ForReport(),
            RangeKind.None, 0, 0, null, null, null, managedObject: obj, foundBy: $"the validator (pid {channel.Pid}), asked at the call");
    }

    private static void SayOnce(ref int flag, string text)
    {
        if (Interlocked.Exchange(ref flag, 1) == 0)
        {
            Reporter.Warn(text);
        }
    }
}
