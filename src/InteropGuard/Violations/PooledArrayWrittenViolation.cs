// PooledArrayWrittenViolation.cs: the shape of array-pool-use-after-return found in the poison of a returned array (by Verify, or when it left the pool's quarantine).
namespace InteropGuard.Violations;

/// <summary>A returned pooled array written after its return: its poison differs (<c>array-pool-use-after-return</c>).
/// The address is the first damaged byte, the size the span from it to the last.</summary>
internal sealed record PooledArrayWrittenViolation : Violation
{
    /// <summary>The first damaged byte at <paramref name="address"/>.</summary>
    /// <param name="address">The first byte that differs from the poison.</param>
    /// <param name="arrayType">The array as C# spells it, e.g. <c>byte[4096]</c>.</param>
    /// <param name="damagedBytes">How many bytes differ.</param>
    /// <param name="foundByVerify">True when Verify found it; false when the array left the pool's quarantine (during a Return).</param>
    public PooledArrayWrittenViolation(nint address, string arrayType, long damagedBytes, bool foundByVerify)
        : base(ViolationKind.ArrayPoolUseAfterReturn, address)
    {
        ArrayType = arrayType;
        DamagedBytes = damagedBytes;
        FoundByVerify = foundByVerify;
    }

    /// <summary>The array, e.g. <c>byte[4096]</c>.</summary>
    public string ArrayType { get; }

    /// <summary>How many bytes differ from the poison.</summary>
    public long DamagedBytes { get; }

    /// <summary>True: found by Verify; false: found when the array left the quarantine.</summary>
    public bool FoundByVerify { get; }
}
