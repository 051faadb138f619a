// FreeCheck.cs: double-free (IG0003), invalid-free (IG0004) and a damaged redzone found when freeing (IG0002), from the status of ig_free_at.
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Turns a failed <c>ig_free_at</c> into a violation.</summary>
internal static class FreeCheck
{
    /// <summary>The violation for <paramref name="status"/>, or null for success, non-violations and checks turned off.</summary>
    public static Violation? Detect(IgStatus status, nint pointer, in IgViolation native, SourceSite site)
    {
        ViolationKind kind = status switch
        {
            IgStatus.DoubleFree => ViolationKind.DoubleFree,
            IgStatus.InvalidFree => ViolationKind.InvalidFree,
            IgStatus.Overflow => ViolationKind.NativeBufferOverflow,
            _ => ViolationKind.None,
        };
        if (kind == ViolationKind.None || !GuardRuntime.Options.IsDetected(kind))
        {
            return null;
        }

        if (native.Kind == 0)
        {
            // The native side did not fill the record; report what the status proves.
            IgViolation filled = native;
            filled.Address = (ulong)pointer;
            return ViolationFactory.FromNative(in filled, ViolationContext.Free, null, site, kind);
        }

        return ViolationFactory.FromNative(in native, ViolationContext.Free, null, site, kind);
    }
}
