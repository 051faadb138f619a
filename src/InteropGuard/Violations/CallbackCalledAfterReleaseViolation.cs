// CallbackCalledAfterReleaseViolation.cs: the shape of collected-delegate-callback when native code calls a released GuardedCallback through its quarantined stub.
namespace InteropGuard.Violations;

/// <summary>Native code called the function pointer of a released GuardedCallback (<c>collected-delegate-callback</c>);
/// InteropGuard's stub returned default without running the delegate.</summary>
internal sealed record CallbackCalledAfterReleaseViolation : Violation
{
    /// <summary>The call through <paramref name="entry"/>.</summary>
    /// <param name="entry">The callback's function pointer.</param>
    /// <param name="delegateType">The delegate's type name.</param>
    public CallbackCalledAfterReleaseViolation(nint entry, string delegateType) : base(ViolationKind.CollectedDelegateCallback, entry)
    {
        DelegateType = delegateType;
    }

    /// <summary>The delegate's type name.</summary>
    public string DelegateType { get; }
}
