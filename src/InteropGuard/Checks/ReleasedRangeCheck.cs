// ReleasedRangeCheck.cs: collected-delegate-callback (IG0008) at a call boundary: the pointer lies in a released callback range (views: UseAfterUnmapCheck).
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Checks;

/// <summary>Detects uses of released callbacks (and any other kind ig_check may classify in future). A released
/// <em>call-scoped</em> callback range ends with its call, not with its delegate: its function pointer reaching a call
/// is reported only when the delegate was collected; while it lives, the pointer is valid and the call is allowed.</summary>
internal static class ReleasedRangeCheck
{
    /// <summary>The violation, or null when the kind's check is off or the callback's delegate is alive (or unknown).</summary>
    public static Violation? Detect(ViolationKind kind, in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(kind))
        {
            return null; // detect_<kind>=0
        }

        if (native.HasRange != 0 && native.Range.Kind == (uint)RangeKind.Callback && (native.Range.Flags & IgConstants.FlagCallScoped) != 0)
        {
            CallScopedCallbacks.Fate fate = CallScopedCallbacks.FateOf(in native.Range);
            if (fate == CallScopedCallbacks.Fate.Alive)
            {
                return null; // used for one call, still alive: the pointer native code kept is valid
            }

            if (fate == CallScopedCallbacks.Fate.Unknown)
            {
                CallScopedCallbacks.WarnUnknown(SiteRegistry.Resolve(native.Range.AllocSite)?.ToString() ?? "an unknown call site");
                return null;
            }
        }

        return ViolationFactory.AtCall(kind, in native, in call, call.ToSourceSite(2));
    }
}
