// GuardedSafeHandle.cs: a SafeHandle base class whose releases (Dispose, Close, its finalizer, an owner's finalizer) are checked against the handle's outstanding native uses; derive from it instead of SafeHandle.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Handles;
using InteropGuard.Interception;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>A <see cref="SafeHandle"/> whose release InteropGuard observes. Derive from it instead of SafeHandle and
/// implement <see cref="SafeHandle.IsInvalid"/> and <see cref="SafeHandle.ReleaseHandle"/> as usual. In modes 1 and 2,
/// when the handle is released (Dispose, Close, the finalizer, or an owner's finalizer disposing it):
/// <list type="bullet">
/// <item>while native code retains it (<see cref="HandleTracker.RetainedByNative"/>): <c>handle-released-in-use</c> at once,
/// naming where native code retained it and where it was released (the caller of Dispose, or the finalizer); the OS handle
/// stays open until <see cref="HandleTracker.ReleasedByNative"/>;</item>
/// <item>while intercepted P/Invoke calls take it: the release site is recorded and the call reports
/// <c>handle-released-in-use</c> naming both when it returns;</item>
/// <item>by its own finalizer, never disposed and not in use: a <c>leaked-pin</c> naming the creation site, when
/// <c>detect_leaked_pin=1</c> (the default).</item>
/// </list>
/// A release costs one check of two counters; the stack walk that names a Dispose caller happens only when something is
/// reported. In mode 0 it is a plain SafeHandle.</summary>
public abstract class GuardedSafeHandle : SafeHandle
{
    private readonly SourceSite? _created;
    private HandleTracker? _tracker;
    private SourceSite? _releaseSite;
    private int _releaseNoted;

    /// <summary>Creates the handle; the caller (a derived constructor) is recorded as the creation site, or the full stack
    /// with capture_stacks=1.</summary>
    /// <param name="invalidHandleValue">The value of an invalid handle (0 or -1).</param>
    /// <param name="ownsHandle">True when <see cref="SafeHandle.ReleaseHandle"/> should release the handle.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    protected GuardedSafeHandle(nint invalidHandleValue, bool ownsHandle,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        : base(invalidHandleValue, ownsHandle)
    {
        if (GuardRuntime.Enabled)
        {
            // Caller information in a constructor names ".ctor": say whose (the derived handle's, where it calls base).
            string who = member == ".ctor" ? GetType().Name + "..ctor" : member;
            _created = SiteRegistry.WithStackIfCaptured(SiteRegistry.Get(who, file, line), 1);
        }
    }

    /// <summary>Where the handle was created (null in mode 0).</summary>
    internal SourceSite? CreatedAt => _created;

    /// <summary>Where it was released, once released while in use (null otherwise).</summary>
    internal SourceSite? ReleaseSite => Volatile.Read(ref _releaseSite);

    internal HandleTracker? ExistingTracker => Volatile.Read(ref _tracker);

    internal HandleTracker GetTracker(SourceSite? site)
    {
        HandleTracker? tracker = Volatile.Read(ref _tracker);
        if (tracker is not null)
        {
            return tracker;
        }

        Interlocked.CompareExchange(ref _tracker, new HandleTracker(this, _created ?? site), null);
        return _tracker;
    }

    /// <summary>Checks the release against the handle's outstanding uses, then releases as SafeHandle does.</summary>
    /// <param name="disposing">True for Dispose/Close (also when an owner's finalizer calls them), false for this handle's finalizer.</param>
    protected override void Dispose(bool disposing)
    {
        if (GuardRuntime.Enabled && Interlocked.Exchange(ref _releaseNoted, 1) == 0)
        {
            try
            {
                NoteRelease(disposing);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not InteropViolationException)
            {
                // Never let the check take a finalizer or a Dispose down.
            }
        }

        base.Dispose(disposing);
    }

    private void NoteRelease(bool disposing)
    {
        if (!disposing)
        {
            HandleTrackers.NoteFinalizerThread();
        }

        HandleTracker? tracker = ExistingTracker;
        SourceSite? retained = tracker?.OutstandingRetain;
        int calls = HandleCalls.InFlight(this);
        if (retained is null && calls == 0)
        {
            if (!disposing && !IsInvalid && !IsClosed)
            {
                ReportLeak(); // finalized, never disposed, not in use
            }

            return; // the common case: nothing outstanding
        }

        SourceSite site = ReleaseSiteNow(disposing);
        Volatile.Write(ref _releaseSite, site);
        if (retained is null)
        {
            return; // calls in flight: the call reports when it returns (HandleCalls.Exit), naming this site
        }

        Violation? v = HandleReleasedInUseCheck.AtRelease(this, retained, site, calls);
        if (v is not null)
        {
            tracker!.MarkReported();
            Reporter.Report(v, throwOnReport: false); // a finalizer or a Dispose must not throw; the close is deferred anyway
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SourceSite ReleaseSiteNow(bool disposing)
    {
        if (!disposing)
        {
            return SourceSite.StandIn(SiteKind.FinalizerOfUndisposedHandle);
        }

        SourceSite caller = CallerSite.FromStackWithSource("SafeHandle.Dispose");
        if (!HandleTrackers.OnFinalizerThread)
        {
            return caller;
        }

        return caller.OnFinalizerThread();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportLeak()
    {
        Violation? v = HandleReleasedInUseCheck.Leak(this);
        if (v is not null)
        {
            Reporter.Report(v, throwOnReport: false);
        }
    }
}
