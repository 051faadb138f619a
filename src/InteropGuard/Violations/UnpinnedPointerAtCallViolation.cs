// UnpinnedPointerAtCallViolation.cs: the shape of unpinned-managed-pointer at a call boundary: an argument, or a pointer nested in one, into a managed object the validator found unpinned.
namespace InteropGuard.Violations;

/// <summary>A pointer passed as or held in a P/Invoke argument (the argument is its path, e.g. <c>args.Data</c>) into a
/// live managed object nothing pins (<c>unpinned-managed-pointer</c>), as the validator classified it when asked at the call.</summary>
internal sealed record UnpinnedPointerAtCallViolation : Violation
{
    /// <summary>The pointer <paramref name="value"/>.</summary>
    /// <param name="value">The pointer.</param>
    /// <param name="validatorPid">The validator that classified it.</param>
    public UnpinnedPointerAtCallViolation(nint value, int validatorPid) : base(ViolationKind.UnpinnedManagedPointer, value)
    {
        ValidatorPid = validatorPid;
    }

    /// <summary>The process id of the validator that classified the pointer.</summary>
    public int ValidatorPid { get; }
}
