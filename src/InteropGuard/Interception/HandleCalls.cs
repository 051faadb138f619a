// HandleCalls.cs: SafeHandles passed to intercepted P/Invokes: counted as in flight during the call, and handle-released-in-use when the handle was closed while the call ran.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Violations;
using InteropGuard.Handles;
using InteropGuard.Reporting;

namespace InteropGuard.Interception;

/// <summary>In-flight counts of SafeHandles in intercepted calls, and the check that runs when such a call returns.
/// The marshaller holds a reference on the handle during the call (<c>DangerousAddRef</c>), so a <c>Dispose</c> on
/// another thread does not free the OS handle at once: it marks the handle closed and the release runs when the call
/// drops its reference. The program still has a race: the handle is gone as soon as the call returns, and without the
/// marshaller's reference (a raw <c>DangerousGetHandle</c> value, native code that keeps the handle) it would have
/// been released under the call. A handle open before the call and closed after it is that race.</summary>
internal static class HandleCalls
{
    private static readonly ConditionalWeakTable<SafeHandle, Counter> s_inFlight = new();

    /// <summary>Counts <paramref name="handle"/> in flight; returns true when it was open (the only case checked
    /// afterwards; a closed handle makes the marshaller throw ObjectDisposedException).</summary>
    public static bool Enter(SafeHandle handle)
    {
        Interlocked.Increment(ref s_inFlight.GetOrCreateValue(handle).Calls);
        return !handle.IsClosed;
    }

    /// <summary>Ends the call's count; when the handle was open at the start and is closed now, reports
    /// <c>handle-released-in-use</c> at <paramref name="site"/> (throws or halts like every call-boundary report).</summary>
    public static void Exit(SafeHandle handle, bool wasOpen, string argument, GuardedCallSite site)
    {
        if (s_inFlight.TryGetValue(handle, out Counter? counter))
        {
            Interlocked.Decrement(ref counter.Calls);
        }

        if (wasOpen && handle.IsClosed)
        {
            ReportReleasedInUse(handle, argument, site);
        }
    }

    /// <summary>Intercepted calls using <paramref name="handle"/> right now (0 when none); read by GuardedSafeHandle at its
    /// release and by HandleTracker.CallsInFlight.</summary>
    public static int InFlight(SafeHandle handle) =>
        s_inFlight.TryGetValue(handle, out Counter? counter) ? Volatile.Read(ref counter.Calls) : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReportReleasedInUse(SafeHandle handle, string argument, GuardedCallSite site)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.HandleReleasedInUse))
        {
            return; // detect_handle_released_in_use=0
        }

        SourceSite? created = null, released = null;
        if (handle is GuardedSafeHandle guarded)
        {
            created = guarded.CreatedAt; // a GuardedSafeHandle recorded where it was released (Dispose caller or finalizer)
            released = guarded.ReleaseSite;
        }
        else if (HandleTrackers.Find(handle) is { } tracker)
        {
            created = tracker.TrackedAt;
        }

        var violation = new HandleClosedDuringCallViolation(handle.DangerousGetHandle(), handle.GetType().Name)
        {
            Argument = argument, AccessSite = site.ForReport(), AllocationSite = created, ReleaseSite = released,
        };
        Reporter.Report(violation, throwOnReport: true);
    }

    private sealed class Counter
    {
        public int Calls;
    }
}
