// HandleReleasedWhileRetainedViolation.cs: the shape of handle-released-in-use at the release of a GuardedSafeHandle native code retains (the close is deferred).
namespace InteropGuard.Violations;

/// <summary>A GuardedSafeHandle released (Dispose, its finalizer) while native code retains it (<c>handle-released-in-use</c>);
/// InteropGuard deferred the close. The access site is where native code retained it.</summary>
internal sealed record HandleReleasedWhileRetainedViolation : Violation
{
    /// <summary>The handle <paramref name="value"/>.</summary>
    /// <param name="value">The OS handle.</param>
    /// <param name="handleType">The handle's type name.</param>
    /// <param name="releasedBy">Who released it.</param>
    /// <param name="callsInFlight">Intercepted calls using it at that moment.</param>
    public HandleReleasedWhileRetainedViolation(nint value, string handleType, HandleReleaser releasedBy, int callsInFlight)
        : base(ViolationKind.HandleReleasedInUse, value)
    {
        HandleType = handleType;
        ReleasedBy = releasedBy;
        CallsInFlight = callsInFlight;
    }

    /// <summary>The handle's type name.</summary>
    public string HandleType { get; }

    /// <summary>Who released it.</summary>
    public HandleReleaser ReleasedBy { get; }

    /// <summary>Intercepted calls that were using it when it was released.</summary>
    public int CallsInFlight { get; }
}
