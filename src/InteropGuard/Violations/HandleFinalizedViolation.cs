// HandleFinalizedViolation.cs: the shape of leaked-pin for a GuardedSafeHandle its finalizer released because nobody disposed it.
namespace InteropGuard.Violations;

/// <summary>A GuardedSafeHandle released by its finalizer, never disposed (<c>leaked-pin</c>). The access site is its creation.</summary>
internal sealed record HandleFinalizedViolation : Violation
{
    /// <summary>The handle <paramref name="value"/>.</summary>
    /// <param name="value">The OS handle.</param>
    /// <param name="handleType">The handle's type name.</param>
    public HandleFinalizedViolation(nint value, string handleType) : base(ViolationKind.LeakedPin, value)
    {
        HandleType = handleType;
    }

    /// <summary>The handle's type name.</summary>
    public string HandleType { get; }
}
