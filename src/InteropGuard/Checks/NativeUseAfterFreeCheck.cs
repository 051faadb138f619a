// NativeUseAfterFreeCheck.cs: native-use-after-free (IG0001) at a call boundary: the pointer lies in a freed, quarantined block (on with detect_native_use_after_free).
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Detects <c>native-use-after-free</c> from an <c>ig_check</c> result. The shadow table proves the block was
/// freed, so nothing further needs confirming.</summary>
internal static class NativeUseAfterFreeCheck
{
    /// <summary>The violation, or null when the check is off.</summary>
    public static Violation? Detect(in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.NativeUseAfterFree))
        {
            return null; // detect_native_use_after_free=0
        }

        return ViolationFactory.AtCall(ViolationKind.NativeUseAfterFree, in native, in call, call.ToSourceSite(2));
    }
}
