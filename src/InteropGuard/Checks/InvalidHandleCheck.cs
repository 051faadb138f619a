// InvalidHandleCheck.cs: invalid-handle (IG0009): a checked handle used or freed after free, or never issued (on with detect_invalid_handle).
using System;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Builds the <c>invalid-handle</c> violation for a cookie the handle table rejected.</summary>
internal static class InvalidHandleCheck
{
    /// <summary>The violation of <paramref name="cookie"/>, rejected by a use or (<paramref name="atFree"/>) a Free because it
    /// was freed before (<paramref name="freed"/>) or never issued.</summary>
    public static InvalidHandleViolation Detect(nint cookie, bool freed, bool atFree, SourceSite? access, SourceSite? issued, SourceSite? freedAt, TimeSpan? sinceFree) =>
        new(cookie, freed, atFree) { AccessSite = access, AllocationSite = issued, ReleaseSite = freedAt, SinceRelease = sinceFree };

    /// <summary>False with detect_invalid_handle=0: the handle throws without a report.</summary>
    public static bool IsOn => GuardRuntime.Options.IsDetected(ViolationKind.InvalidHandle);
}
