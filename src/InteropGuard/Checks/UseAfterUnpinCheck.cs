// UseAfterUnpinCheck.cs: use-after-unpin (IG0005) at a call boundary: the pointer lies in a released managed pin whose object is still where it was pinned (on with detect_use_after_unpin).
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Detects <c>use-after-unpin</c>. What the boundary reports, it knows: a pin of a managed object is reported
/// only when the object is still at the recorded address (a moved or collected object may have left the address to
/// another object, perhaps pinned by a <c>fixed</c> the runtime cannot see). Pins without an object (native memory
/// behind a MemoryManager, user_tag 0) are reported without that confirmation. An object that never moves (frozen, or a
/// pinned-object-heap array InteropGuard saw allocated: <see cref="NonMovingObjects"/>) is not reported: its pointer
/// stays valid after the pin ends.</summary>
internal static class UseAfterUnpinCheck
{
    /// <summary>The violation, or null when the check is off or the object moved or was collected.</summary>
    public static Violation? Detect(in IgViolation native, in CallSite call)
    {
        if (!GuardRuntime.Options.IsDetected(ViolationKind.UseAfterUnpin))
        {
            return null; // detect_use_after_unpin=0
        }

        if (native.HasRange != 0 && (native.Range.Flags & IgConstants.FlagCallScoped) != 0)
        {
            return null; // a pin of one intercepted call: a later pointer into it may be pinned again by `fixed`; the validator decides
        }

        if (native.HasRange != 0 && native.Range.UserTag != 0)
        {
            if (!PinSideTable.IsStillInPlace(native.Range.Id, (nint)native.Range.Start, out object? target))
            {
                return null; // moved, collected or forgotten: the address may belong to another object now
            }

            if (NonMovingObjects.NeverMoves(target))
            {
                return null; // a frozen or pinned-object-heap object: its address stays valid after the pin ends
            }
        }

        return ViolationFactory.AtCall(ViolationKind.UseAfterUnpin, in native, in call, call.ToSourceSite(2));
    }
}
