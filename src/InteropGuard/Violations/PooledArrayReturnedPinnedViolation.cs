// PooledArrayReturnedPinnedViolation.cs: the shape of array-pool-use-after-return at a Return of an array a live Guard.Pin still pins.
namespace InteropGuard.Violations;

/// <summary>A Return of a pooled array a Guard.Pin still pins (<c>array-pool-use-after-return</c>); the release site is the pin's.</summary>
internal sealed record PooledArrayReturnedPinnedViolation : Violation
{
    /// <summary>The array at <paramref name="address"/>.</summary>
    /// <param name="address">The array's first element.</param>
    /// <param name="arrayType">The array as C# spells it, e.g. <c>byte[4096]</c>.</param>
    public PooledArrayReturnedPinnedViolation(nint address, string arrayType) : base(ViolationKind.ArrayPoolUseAfterReturn, address)
    {
        ArrayType = arrayType;
    }

    /// <summary>The array, e.g. <c>byte[4096]</c>.</summary>
    public string ArrayType { get; }
}
