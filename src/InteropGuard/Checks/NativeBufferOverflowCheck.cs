// NativeBufferOverflowCheck.cs: native-buffer-overflow (IG0002) at a call boundary: the access range leaves the user bytes of a known range (on with detect_native_buffer_overflow).
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Detects <c>native-buffer-overflow</c> from an <c>ig_check</c> result (the range starts in or next to a known
/// range and leaves its user bytes).</summary>
internal static class NativeBufferOverflowCheck
{
    /// <summary>The violation, or null when the check is off.</summary>
    public static Violation? Detect(in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.NativeBufferOverflow))
        {
            return null; // detect_native_buffer_overflow=0
        }

        return ViolationFactory.AtCall(ViolationKind.NativeBufferOverflow, in native, in call, call.ToSourceSite(2));
    }
}
