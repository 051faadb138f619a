// HandleTracker.cs: the native uses of one SafeHandle (references native code retains, calls in flight) and the checks that run when native code lets go; from Guard.Track.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Interception;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>Tracks a SafeHandle's uses by native code (from <see cref="Guard.Track(SafeHandle, string, string, int)"/>;
/// one tracker per handle). <see cref="RetainedByNative"/> says native code keeps the handle's raw value past the call
/// that got it (a registration, or a blocking call given <see cref="SafeHandle.DangerousGetHandle"/>); it takes a
/// reference on the handle (<see cref="SafeHandle.DangerousAddRef"/>), so a Dispose or a finalizer that runs meanwhile
/// cannot close the OS handle under native code: the close is deferred to <see cref="ReleasedByNative"/>, and the early
/// release is reported as <c>handle-released-in-use</c>. For a <see cref="GuardedSafeHandle"/> the report is made at the
/// release and names it (Dispose caller or finalizer); for any other SafeHandle, at <see cref="ReleasedByNative"/> (the
/// release itself cannot be observed). Calls in flight are the intercepted P/Invokes that take the handle now.
/// <para>The tracker holds the handle strongly; a retained handle is not kept reachable by the tracker alone (native
/// code's reference is invisible to the GC), which is what lets a missing <c>GC.KeepAlive</c> show up.</para></summary>
public sealed class HandleTracker
{
    private readonly object _lock = new();
    private readonly List<SourceSite> _retains = [];
    private bool _reported;

    internal HandleTracker(SafeHandle handle, SourceSite? tracked)
    {
        Handle = handle;
        TrackedAt = tracked;
    }

    /// <summary>The tracked handle.</summary>
    public SafeHandle Handle { get; }

    /// <summary>References native code retains now (<see cref="RetainedByNative"/> minus <see cref="ReleasedByNative"/>).</summary>
    public int NativeReferences
    {
        get
        {
            lock (_lock)
            {
                return _retains.Count;
            }
        }
    }

    /// <summary>Intercepted P/Invoke calls that take the handle right now (0 outside such calls, and in mode 0).</summary>
    public int CallsInFlight => HandleCalls.InFlight(Handle);

    /// <summary>Where the handle was first tracked (null in mode 0).</summary>
    internal SourceSite? TrackedAt { get; }

    /// <summary>Records that native code keeps the handle's raw value from now on, and takes a reference on the handle
    /// (<see cref="SafeHandle.DangerousAddRef"/>) until <see cref="ReleasedByNative"/>: a Dispose or finalizer in between
    /// is reported and its close deferred. Calls nest. Returns this tracker.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ObjectDisposedException">The handle is already closed.</exception>
    public HandleTracker RetainedByNative([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        bool added = false;
        Handle.DangerousAddRef(ref added); // throws ObjectDisposedException when closed
        SourceSite site = GuardRuntime.Enabled
            ? SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1)
            : new SourceSite(member, file, line);
        lock (_lock)
        {
            _retains.Add(site);
        }

        return this;
    }

    /// <summary>Records that native code let go of one retained reference, and drops the reference
    /// <see cref="RetainedByNative"/> took (a deferred close happens now). When the handle was disposed while retained and
    /// that was not reported at the release (any SafeHandle other than a <see cref="GuardedSafeHandle"/>), reports
    /// <c>handle-released-in-use</c> here (without throwing); with nested retains, at the last one.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="InvalidOperationException">No reference is retained (more ReleasedByNative than RetainedByNative calls).</exception>
    public void ReleasedByNative([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        SourceSite retained;
        lock (_lock)
        {
            if (_retains.Count == 0)
            {
                throw new InvalidOperationException("HandleTracker.ReleasedByNative: native code retains no reference to this handle (call RetainedByNative() once per reference native code keeps, and ReleasedByNative() once when it lets go).");
            }

            retained = _retains[0];
            _retains.RemoveAt(_retains.Count - 1);
        }

        // The deferred close, if the handle was disposed meanwhile: a SafeHandle disposed while referenced is only marked
        // disposed (IsClosed stays false) until its last reference goes, so IsClosed right after our release says it was.
        Handle.DangerousRelease();
        if (!Handle.IsClosed || !GuardRuntime.Enabled)
        {
            return;
        }

        lock (_lock)
        {
            if (_reported)
            {
                return; // a GuardedSafeHandle reported it at its release
            }

            _reported = true;
        }

        Violation? v = HandleReleasedInUseCheck.AtReleasedByNative(this, retained, SiteRegistry.GetFromCaller(member, file, line));
        if (v is not null)
        {
            Reporter.Report(v, throwOnReport: false);
        }
    }

    /// <summary>The oldest retain still outstanding, or null.</summary>
    internal SourceSite? OutstandingRetain
    {
        get
        {
            lock (_lock)
            {
                return _retains.Count == 0 ? null : _retains[0];
            }
        }
    }

    /// <summary>Marks the early release reported (by the GuardedSafeHandle at its release), so ReleasedByNative stays quiet.</summary>
    internal void MarkReported()
    {
        lock (_lock)
        {
            _reported = true;
        }
    }
}
