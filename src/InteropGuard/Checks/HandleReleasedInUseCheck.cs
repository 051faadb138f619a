// HandleReleasedInUseCheck.cs: handle-released-in-use (IG0011) when a tracked SafeHandle is released while native code retains it, and the leak (leaked-pin) of a GuardedSafeHandle finalized without Dispose; runs at releases and at ReleasedByNative.
using System.Runtime.InteropServices;
using InteropGuard.Violations;

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
        HandleReleaser by = released.Kind switch
        {
            SiteKind.FinalizerOfUndisposedHandle => HandleReleaser.Finalizer,
            SiteKind.OnFinalizerThread => HandleReleaser.DisposeOnFinalizerThread,
            _ => HandleReleaser.Dispose,
        };
        return new HandleReleasedWhileRetainedViolation(value, handle.GetType().Name, by, callsInFlight)
        {
            AccessSite = retained, AllocationSite = handle.CreatedAt, ReleaseSite = released,
        };
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
        SourceSite unknown = SourceSite.StandIn(SiteKind.UnnamedHandleCloser); // a plain SafeHandle does not say who closed it
        return new HandleClosedWhileRetainedViolation(value, handle.GetType().Name, releasedByNative)
        {
            AccessSite = retained, AllocationSite = tracker.TrackedAt, ReleaseSite = unknown,
        };
    }

    /// <summary>A GuardedSafeHandle finalized without Dispose, not in use: a leak (<c>leaked-pin</c>).</summary>
    public static Violation? Leak(GuardedSafeHandle handle)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.LeakedPin))
        {
            return null; // detect_leaked_pin=0
        }

        nint value = handle.DangerousGetHandle();
        return new HandleFinalizedViolation(value, handle.GetType().Name) { AccessSite = handle.CreatedAt, AllocationSite = handle.CreatedAt };
    }
}
