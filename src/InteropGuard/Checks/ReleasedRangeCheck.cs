// ReleasedRangeCheck.cs: collected-delegate-callback (IG0008) at a call boundary: the pointer lies in a released callback range (views: UseAfterUnmapCheck).
namespace InteropGuard;

/// <summary>Detects uses of released callbacks (and any other kind ig_check may classify in future).</summary>
internal static class ReleasedRangeCheck
{
    /// <summary>The violation, or null when the kind's check is off.</summary>
    public static Violation? Detect(ViolationKind kind, in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(kind))
        {
            return null; // detect_<kind>=0
        }

        return ViolationFactory.FromNative(in native, ViolationContext.Call, call.Argument, call.ToSourceSite(2), kind);
    }
}
