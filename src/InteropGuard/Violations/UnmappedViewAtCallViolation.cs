// UnmappedViewAtCallViolation.cs: the shape of use-after-unmap at a call boundary: a pointer argument into a released mapped view.
namespace InteropGuard.Violations;

/// <summary>A P/Invoke argument into a released mapped view (<c>use-after-unmap</c>), and what is mapped at the address now.</summary>
internal sealed record UnmappedViewAtCallViolation : Violation
{
    /// <summary>A pointer at <paramref name="address"/>.</summary>
    /// <param name="address">The argument's value.</param>
    /// <param name="stillMapped">True when the view's accessor still maps the memory (the access works until the accessor
    /// is disposed), false when nothing is mapped there (an access faults), null when the view is not known.</param>
    public UnmappedViewAtCallViolation(nint address, bool? stillMapped) : base(ViolationKind.UseAfterUnmap, address)
    {
        StillMapped = stillMapped;
    }

    /// <summary>True: still mapped by its accessor; false: nothing mapped; null: unknown.</summary>
    public bool? StillMapped { get; }
}
