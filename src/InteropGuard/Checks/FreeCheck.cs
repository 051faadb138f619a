// FreeCheck.cs: double-free (IG0003), invalid-free (IG0004) and a damaged redzone found when freeing (IG0002), from the status of ig_free_at.
using InteropGuard.Native;
using InteropGuard.Violations;

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
            return Build(kind, in filled, site);
        }

        return Build(kind, in native, site);
    }

    private static FreeViolation Build(ViolationKind kind, in IgViolation native, SourceSite site) =>
        ViolationFactory.FromNative(new FreeViolation(kind, (nint)native.Address) { RedzoneOffset = (long)native.Detail }, in native, site);
}
