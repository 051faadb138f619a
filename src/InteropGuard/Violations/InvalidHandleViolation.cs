// InvalidHandleViolation.cs: the shape of invalid-handle: a CheckedHandle cookie the handle table rejected at a use or a Free.
namespace InteropGuard.Violations;

/// <summary>A <c>CheckedHandle</c> used or freed after its Free, or never issued (<c>invalid-handle</c>).</summary>
internal sealed record InvalidHandleViolation : Violation
{
    /// <summary>The rejected <paramref name="cookie"/>.</summary>
    /// <param name="cookie">The handle's value.</param>
    /// <param name="freed">True when it was issued and freed (else never issued, or corrupted).</param>
    /// <param name="atFree">True when a second Free found it, false when a use did.</param>
    public InvalidHandleViolation(nint cookie, bool freed, bool atFree) : base(ViolationKind.InvalidHandle, cookie)
    {
        Freed = freed;
        AtFree = atFree;
    }

    /// <summary>True when the cookie was issued and freed; false when it was never issued (or is corrupted).</summary>
    public bool Freed { get; }

    /// <summary>True when a second Free found it; false when a use (Target, GetTarget) did.</summary>
    public bool AtFree { get; }
}
