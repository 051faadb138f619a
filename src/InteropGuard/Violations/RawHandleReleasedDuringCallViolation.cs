// RawHandleReleasedDuringCallViolation.cs: the shape of handle-released-in-use of a DangerousGetHandle() argument whose SafeHandle became unreachable or was closed during the call.
namespace InteropGuard.Violations;

/// <summary>The SafeHandle a raw <c>DangerousGetHandle()</c> argument came from became unreachable, or was closed, while
/// native code used the value (<c>handle-released-in-use</c>).</summary>
internal sealed record RawHandleReleasedDuringCallViolation : Violation
{
    /// <summary>The raw <paramref name="value"/>.</summary>
    /// <param name="value">The DangerousGetHandle() value passed.</param>
    /// <param name="handleType">The SafeHandle's type name.</param>
    /// <param name="unreachable">True when nothing referenced it during the call (the GC queued its finalizer); false when it was closed.</param>
    /// <param name="collected">True when it was also finalized and collected before the call returned (its release then never runs).</param>
    public RawHandleReleasedDuringCallViolation(nint value, string handleType, bool unreachable, bool collected)
        : base(ViolationKind.HandleReleasedInUse, value)
    {
        HandleType = handleType;
        Unreachable = unreachable;
        Collected = collected;
    }

    /// <summary>The SafeHandle's type name.</summary>
    public string HandleType { get; }

    /// <summary>True when nothing referenced the SafeHandle during the call; false when it was closed.</summary>
    public bool Unreachable { get; }

    /// <summary>True when it was finalized and collected before the call returned.</summary>
    public bool Collected { get; }
}
