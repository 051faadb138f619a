// HandleReleasedInUseCheck.cs: handle-released-in-use (IG0011) when a tracked SafeHandle is released while native code retains it, and the leak (leaked-pin) of a GuardedSafeHandle finalized without Dispose; runs at releases and at ReleasedByNative.
using System.Runtime.InteropServices;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Checks;

/// <summary>Builds the violations of tracked handles. Detection only; the callers report (never throwing: they run in
/// Dispose, finalizers and ReleasedByNative).</summary>
internal static class HandleReleasedInUseCheck
{
    /// <summary>A GuardedSafeHandle released while native code retains it; null when detect_handle_released_in_use=0.</summary>
    public static Violation? AtRelease(GuardedSafeHandle handle, SourceSite retained, SourceSite released, int callsInFlight)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.HandleReleasedInUse))
        {
            return null; // detect_handle_released_in_use=0
        }

        nint value = handle.DangerousGetHandle();
        string how = released.Member.StartsWith('(') ? "its finalizer" : released.Member.Contains("finalizer thread", System.StringComparison.Ordinal)
            ? "a Dispose on the finalizer thread (an owner's finalizer)" : "Dispose";
        string calls = callsInFlight == 0 ? "" : $" (and {callsInFlight} intercepted call{(callsInFlight == 1 ? "" : "s")} took it)";
        string note = $"The {handle.GetType().Name} {ReportFormatter.Hex(value)} was released by {how} while native code still retained it{calls}. " +
            "InteropGuard deferred the close of the OS handle until ReleasedByNative(); unguarded, native code would have used a closed (or already reused) handle.";
        return new Violation(ViolationKind.HandleReleasedInUse, ViolationContext.HandleRelease, value, 0, null, retained,
            RangeKind.None, 0, 0, handle.CreatedAt, released, null, note: note);
    }

    /// <summary>A plain SafeHandle found closed at ReleasedByNative; null when detect_handle_released_in_use=0.</summary>
    public static Violation? AtReleasedByNative(HandleTracker tracker, SourceSite retained, SourceSite releasedByNative)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.HandleReleasedInUse))
        {
            return null;
        }

        SafeHandle handle = tracker.Handle;
        nint value = handle.DangerousGetHandle();
        string note = $"The {handle.GetType().Name} {ReportFormatter.Hex(value)} was closed while native code still retained it; found when native code let go at {releasedByNative}. " +
            "InteropGuard's reference deferred the close of the OS handle until then; unguarded, native code would have used a closed (or already reused) handle.";
        SourceSite unknown = SiteRegistry.Get("(Dispose, Close or a finalizer; a plain SafeHandle does not say which: derive from GuardedSafeHandle to name it)", "", 0);
        return new Violation(ViolationKind.HandleReleasedInUse, ViolationContext.HandleReleasedByNative, value, 0, null, retained,
            RangeKind.None, 0, 0, tracker.TrackedAt, unknown, null, note: note);
    }

    /// <summary>A GuardedSafeHandle finalized without Dispose, not in use: a leak (<c>leaked-pin</c>).</summary>
    public static Violation? Leak(GuardedSafeHandle handle)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.LeakedPin))
        {
            return null; // detect_leaked_pin=0
        }

        nint value = handle.DangerousGetHandle();
        string note = $"The {handle.GetType().Name} {ReportFormatter.Hex(value)} was never disposed: its finalizer released it. Forgot to Dispose() it?";
        return new Violation(ViolationKind.LeakedPin, ViolationContext.HandleFinalized, value, 0, null, handle.CreatedAt,
            RangeKind.None, 0, 0, handle.CreatedAt, null, null, note: note);
    }
}
