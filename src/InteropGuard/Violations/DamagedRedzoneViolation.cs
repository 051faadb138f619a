// DamagedRedzoneViolation.cs: the shape of native-buffer-overflow found by Guard.Verify: a redzone canary of a live block was overwritten.
namespace InteropGuard.Violations;

/// <summary>A live native block whose redzone <c>ig_verify</c> found overwritten (<c>native-buffer-overflow</c>).</summary>
internal sealed record DamagedRedzoneViolation : Violation
{
    /// <summary>The first damaged byte at <paramref name="address"/>; <paramref name="kind"/> as <c>ig_verify</c> classified it.</summary>
    public DamagedRedzoneViolation(ViolationKind kind, nint address) : base(kind, address)
    {
    }

    /// <summary>The signed distance of the first damaged byte from the block's end when the address does not say.</summary>
    public long RedzoneOffset { get; init; }
}
