// RawHandleCalls.cs: SafeHandles whose DangerousGetHandle() value an intercepted call receives as an argument: noted when the value is taken, referenced (not kept reachable) during the call, handle-released-in-use when the handle was finalized or closed meanwhile.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using InteropGuard.Violations;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Interception;

/// <summary>The runtime half of the raw-handle interceptors (docs/design/generator.md, "Raw handles"). For an argument
/// written <c>owner.DangerousGetHandle()</c> the generator also intercepts that <c>DangerousGetHandle</c> call, which
/// notes the SafeHandle on a per-thread stack; the P/Invoke's interceptor takes the notes of its own site right before
/// the call. For the call each handle gets a reference (<see cref="SafeHandle.DangerousAddRef"/>: a release meanwhile
/// is deferred, so native code never works on a closed handle or freed memory) and two weak GC handles, but nothing
/// that keeps it reachable: a handle only the raw value refers to stays unreachable, as it is without InteropGuard.
/// When the call returns: a handle the GC found unreachable (its finalizer is queued or ran) or that was closed
/// (Dispose on another thread) is <c>handle-released-in-use</c>; then the reference is dropped, which runs the deferred
/// release. What cannot be decided, and is said in docs/checks/handle-released-in-use.md: a raw value kept in a local
/// or passed through a helper method is not followed, and a handle finalized and collected during one call leaks its
/// deferred release (the report says so).</summary>
internal static class RawHandleCalls
{
    // Notes left by argument lists that threw after DangerousGetHandle ran are dropped oldest first beyond this many.
    private const int MaxPending = 16;

    [ThreadStatic]
    private static Pending[]? t_pending;

    [ThreadStatic]
    private static int t_count;

    /// <summary>Notes that <paramref name="handle"/>'s raw value is being passed as <paramref name="argument"/> of the
    /// call at <paramref name="site"/>, which is about to be made on this thread.</summary>
    public static void Note(SafeHandle handle, GuardedCallSite site, string argument)
    {
        Pending[] pending = t_pending ??= new Pending[MaxPending];
        if (t_count == MaxPending)
        {
            Array.Copy(pending, 1, pending, 0, MaxPending - 1);
            t_count--;
        }

        pending[t_count++] = new Pending(handle, site, argument);
    }

    /// <summary>Takes up to <paramref name="count"/> notes of <paramref name="site"/> from the top of this thread's
    /// stack (an intercepted call inside the argument list took its own already) and references their handles for
    /// the call. Null when there is nothing to watch.</summary>
    public static RawHandleCall? Take(GuardedCallSite site, int count)
    {
        Pending[]? pending = t_pending;
        List<RawHandleCall.Entry>? entries = null;
        while (pending is not null && count > 0 && t_count > 0 && ReferenceEquals(pending[t_count - 1].Site, site))
        {
            Pending p = pending[--t_count];
            pending[t_count] = default;
            count--;
            if (p.Handle is not { } handle || handle.IsClosed)
            {
                continue; // closed before the call: the value was stale already, which the call itself may report
            }

            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                continue; // closed since the check above
            }

            if (added)
            {
                entries ??= [];
                entries.Add(new RawHandleCall.Entry(handle.DangerousGetHandle(), p.Argument, handle.GetType().Name,
                    (handle as GuardedSafeHandle)?.CreatedAt, GCHandle.Alloc(handle, GCHandleType.Weak), GCHandle.Alloc(handle, GCHandleType.WeakTrackResurrection)));
            }
        }

        return entries is null ? null : new RawHandleCall(entries);
    }

    /// <summary>After the call (<paramref name="returned"/> false: it threw): drops the references taken by
    /// <see cref="Take"/> and, when the call returned, reports the first handle that was released during it (throws or
    /// halts like every call-boundary report).</summary>
    public static void End(RawHandleCall call, bool returned, GuardedCallSite site)
    {
        Violation? violation = null;
        foreach (RawHandleCall.Entry e in call.Entries)
        {
            bool unreachable = e.Weak.Target is null;
            var handle = e.Tracked.Target as SafeHandle;
            bool closed = handle is null || handle.IsClosed;
            e.Weak.Free();
            e.Tracked.Free();
            handle?.DangerousRelease(); // a release deferred during the call runs now

            if (returned && violation is null && (unreachable || closed))
            {
                violation = Describe(e, unreachable, collected: handle is null, site);
            }
        }

        if (violation is not null)
        {
            Reporter.Report(violation, throwOnReport: true);
        }
    }

    private static Violation? Describe(RawHandleCall.Entry e, bool unreachable, bool collected, GuardedCallSite site)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.HandleReleasedInUse))
        {
            return null; // detect_handle_released_in_use=0
        }

        SourceSite? released = unreachable ? SourceSite.StandIn(SiteKind.FinalizerOfUnreachableHandle) : null;
        return new RawHandleReleasedDuringCallViolation(e.Value, e.TypeName, unreachable, collected)
        {
            Argument = e.Argument, AccessSite = site.ForReport(), AllocationSite = e.CreatedAt, ReleaseSite = released,
        };
    }

    private readonly record struct Pending(SafeHandle? Handle, GuardedCallSite? Site, string Argument);
}
