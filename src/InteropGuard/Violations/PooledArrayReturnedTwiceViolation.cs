// PooledArrayReturnedTwiceViolation.cs: the shape of array-pool-use-after-return at a second Return of an array that is still returned.
using InteropGuard.Pooling;

namespace InteropGuard.Violations;

/// <summary>A Return of a pooled array that is already returned: in the pool's quarantine, or back in the pool
/// (<c>array-pool-use-after-return</c>).</summary>
internal sealed record PooledArrayReturnedTwiceViolation : Violation
{
    /// <summary>The array at <paramref name="address"/>.</summary>
    /// <param name="address">The array's first element.</param>
    /// <param name="arrayType">The array as C# spells it, e.g. <c>byte[4096]</c>.</param>
    /// <param name="state">Where the array is: quarantined or idle in the pool.</param>
    public PooledArrayReturnedTwiceViolation(nint address, string arrayType, PooledArrayState state)
        : base(ViolationKind.ArrayPoolUseAfterReturn, address)
    {
        ArrayType = arrayType;
        State = state;
    }

    /// <summary>The array, e.g. <c>byte[4096]</c>.</summary>
    public string ArrayType { get; }

    /// <summary>Where the array is at the second return.</summary>
    public PooledArrayState State { get; }
}
