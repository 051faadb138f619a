// InvalidHandleCheck.cs: invalid-handle (IG0009): a checked handle used or freed after free, or never issued (on with detect_invalid_handle).
using System;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Builds the <c>invalid-handle</c> violation for a cookie the handle table rejected.</summary>
internal static class InvalidHandleCheck
{
    /// <summary>The violation, or null when the check is off.</summary>
    public static Violation? Detect(nint cookie, ViolationContext context, string reason, SourceSite? access, SourceSite? issued, SourceSite? freed, TimeSpan? sinceFree)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.InvalidHandle))
        {
            return null; // detect_invalid_handle=0
        }

        return new Violation(ViolationKind.InvalidHandle, context, cookie, 0, null, access, RangeKind.None, 0, 0, issued, freed, sinceFree, 0, reason);
    }
}
