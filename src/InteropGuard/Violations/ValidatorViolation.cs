// ValidatorViolation.cs: the shape of a finding of a validator sweep (mode 2 or interopguard attach), read from its finding line: the holder, the object, the range and the evidence.
namespace InteropGuard.Violations;

/// <summary>A finding of the validator (any kind it reports), with where the word sits (<see cref="Violation.Holder"/>), what
/// it points at and the evidence sentence; no access site and no detecting thread.</summary>
internal sealed record ValidatorViolation : Violation
{
    /// <summary>A finding of <paramref name="kind"/> about <paramref name="address"/>.</summary>
    /// <param name="kind">The finding's kind.</param>
    /// <param name="address">The value found, the first damaged byte, or the range start.</param>
    /// <param name="origin">Which sweep of which validator found it (the report's "found by" line).</param>
    public ValidatorViolation(ViolationKind kind, nint address, SweepOrigin origin) : base(kind, address)
    {
        Origin = origin;
    }

    /// <summary>Which sweep of which validator found it.</summary>
    public SweepOrigin Origin { get; }
}
