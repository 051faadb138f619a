// CallbackCalledAfterReleaseCheck.cs: collected-delegate-callback (IG0008) when native code calls a released GuardedCallback through the stub its quarantine keeps valid; runs on the calling (often native) thread.
using System;
using InteropGuard.Callbacks;
using InteropGuard.Reporting;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Builds the violation of a late call. Detection only; the trampoline reports it.</summary>
internal static class CallbackCalledAfterReleaseCheck
{
    /// <summary>The violation, or null when detect_collected_delegate_callback=0. The access site is the nearest managed
    /// frame with source under the native caller (the user's code that made the P/Invoke during which native code called
    /// back), found by a stack walk: this path is rare. A call on a thread native code created has no such frame.</summary>
    public static Violation? Detect(CallbackTrampoline callback, SourceSite? releaseSite, ulong releaseNs)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.CollectedDelegateCallback))
        {
            return null; // detect_collected_delegate_callback=0
        }

        ulong now = GuardRuntime.MonotonicNs();
        TimeSpan? since = releaseNs != 0 && now >= releaseNs ? TimeSpan.FromTicks((long)((now - releaseNs) / 100)) : null;
        SourceSite access = CallerSite.FromStackWithSource(SiteKind.NativeThreadWithoutCaller);
        SourceSite created = WithStack(callback.Created, StackStore.Alloc(callback.Id));
        SourceSite? released = releaseSite is null ? null : WithStack(releaseSite, StackStore.Release(callback.Id));
        return new CallbackCalledAfterReleaseViolation(callback.Entry, callback.Target.GetType().Name)
        {
            AccessSite = access, Range = new TrackedRange(RangeKind.Callback, callback.Entry, 1), AllocationSite = created,
            ReleaseSite = released, SinceRelease = since,
        };
    }

    private static SourceSite WithStack(SourceSite site, string? stack) => stack is null ? site : site.WithStack(stack);
}
