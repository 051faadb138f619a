// HandleClosedWhileRetainedViolation.cs: the shape of handle-released-in-use of a plain tracked SafeHandle, found closed when native code let go of it.
namespace InteropGuard.Violations;

/// <summary>A plain SafeHandle found closed at ReleasedByNative (<c>handle-released-in-use</c>); InteropGuard's reference
/// deferred the close until then. The access site is where native code retained it.</summary>
internal sealed record HandleClosedWhileRetainedViolation : Violation
{
    /// <summary>The handle <paramref name="value"/>.</summary>
    /// <param name="value">The OS handle.</param>
    /// <param name="handleType">The handle's type name.</param>
    /// <param name="letGoAt">Where ReleasedByNative was called.</param>
    public HandleClosedWhileRetainedViolation(nint value, string handleType, SourceSite letGoAt) : base(ViolationKind.HandleReleasedInUse, value)
    {
        HandleType = handleType;
        LetGoAt = letGoAt;
    }

    /// <summary>The handle's type name.</summary>
    public string HandleType { get; }

    /// <summary>Where native code let go (ReleasedByNative).</summary>
    public SourceSite LetGoAt { get; }
}
