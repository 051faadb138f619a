// FreeViolation.cs: the shape of a failed free of the InteropGuard allocator: a second free, a free of an address it never returned, or a damaged redzone found by the free.
namespace InteropGuard.Violations;

/// <summary>A free that <c>ig_free_at</c> refused: <c>double-free</c>, <c>invalid-free</c>, or <c>native-buffer-overflow</c>
/// when the block's redzone was found damaged.</summary>
internal sealed record FreeViolation : Violation
{
    /// <summary>A free of <paramref name="address"/> that found <paramref name="kind"/>.</summary>
    public FreeViolation(ViolationKind kind, nint address) : base(kind, address)
    {
    }

    /// <summary>For a damaged redzone, the signed distance of the first damaged byte from the block's end (0 = the first
    /// byte past it) when the address does not say; 0 otherwise.</summary>
    public long RedzoneOffset { get; init; }
}
