// UseAfterUnmapCheck.cs: use-after-unmap (IG0012) at a call boundary: the pointer lies in a released mapped view (Guard.MapView) that is still held by its accessor or is unmapped now (on with detect_use_after_unmap).
using InteropGuard.Mapping;
using InteropGuard.Native;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Detects <c>use-after-unmap</c>. What the boundary reports, it knows: a released view is reported while its
/// mapping is still held (the access works until the accessor is disposed) or when nothing is mapped at the address; once
/// the view is gone and the address is mapped again, the memory may belong to another mapping and nothing is reported.</summary>
internal static class UseAfterUnmapCheck
{
    /// <summary>The violation, or null when the check is off or the address may belong to another mapping now.</summary>
    public static Violation? Detect(in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.UseAfterUnmap))
        {
            return null; // detect_use_after_unmap=0
        }

        bool? stillMapped = null;
        if (native.HasRange != 0)
        {
            switch (MappedViewTable.Classify(native.Range.Id, (nint)native.Address))
            {
                case MappedViewTable.ViewState.StillMapped:
                    stillMapped = true;
                    break;
                case MappedViewTable.ViewState.Unmapped:
                    stillMapped = false;
                    break;
                default:
                    return null; // mapped again since: possibly another mapping's memory
            }
        }

        return ViolationFactory.FromNative(new UnmappedViewAtCallViolation((nint)native.Address, stillMapped) { Argument = call.Argument }, in native, call.ToSourceSite(2));
    }
}
