// PointerAtCallViolation.cs: the shape of a pointer argument that ig_check found in a freed, released, returned or too small range at a call boundary.
namespace InteropGuard.Violations;

/// <summary>A P/Invoke argument (or a <c>Guard.Check</c> pointer) into a range the shadow table proves wrong for the call:
/// kinds <c>native-use-after-free</c>, <c>native-buffer-overflow</c>, <c>use-after-unpin</c>,
/// <c>collected-delegate-callback</c> and <c>array-pool-use-after-return</c>, as <c>ig_check</c> classified it. Carries
/// the argument, the call, the range and its allocation and release.</summary>
internal sealed record PointerAtCallViolation : Violation
{
    /// <summary>A pointer of <paramref name="kind"/> at <paramref name="address"/>.</summary>
    public PointerAtCallViolation(ViolationKind kind, nint address) : base(kind, address)
    {
    }
}
