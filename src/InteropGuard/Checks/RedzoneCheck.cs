// RedzoneCheck.cs: native-buffer-overflow (IG0002) found by Guard.Verify: a right-redzone canary of a live block was overwritten.
using InteropGuard.Native;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Turns the records of <c>ig_verify</c> into violations.</summary>
internal static class RedzoneCheck
{
    /// <summary>The violation, or null when the check is off.</summary>
    public static Violation? Detect(in IgViolation native, SourceSite? site)
    {
        ViolationKind kind = native.Kind == 0 ? ViolationKind.NativeBufferOverflow : (ViolationKind)native.Kind;
        if (!GuardRuntime.Options.IsDetected(kind))
        {
            return null;
        }

        return ViolationFactory.FromNative(new DamagedRedzoneViolation(kind, (nint)native.Address) { RedzoneOffset = (long)native.Detail }, in native, site);
    }
}
