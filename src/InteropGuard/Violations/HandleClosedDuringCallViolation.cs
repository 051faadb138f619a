// HandleClosedDuringCallViolation.cs: the shape of handle-released-in-use of a SafeHandle argument closed while the intercepted native call was using it.
namespace InteropGuard.Violations;

/// <summary>A SafeHandle argument closed (Dispose, Close or a finalizer) during the native call (<c>handle-released-in-use</c>);
/// the marshaller's reference delayed the release until the call returned.</summary>
internal sealed record HandleClosedDuringCallViolation : Violation
{
    /// <summary>The handle <paramref name="value"/>.</summary>
    /// <param name="value">The OS handle.</param>
    /// <param name="handleType">The handle's type name.</param>
    public HandleClosedDuringCallViolation(nint value, string handleType) : base(ViolationKind.HandleReleasedInUse, value)
    {
        HandleType = handleType;
    }

    /// <summary>The handle's type name.</summary>
    public string HandleType { get; }
}
