// HandleReleasedWhileRetainedFacts.cs: handle-released-in-use at the release of a GuardedSafeHandle native code retains (the close is deferred).
namespace InteropGuard.Facts;

/// <summary>A GuardedSafeHandle released while native code retains it; InteropGuard deferred the close.</summary>
/// <param name="HandleType">The handle's type name.</param>
/// <param name="ReleasedBy">Who released it.</param>
/// <param name="CallsInFlight">Intercepted calls using it at that moment.</param>
internal sealed record HandleReleasedWhileRetainedFacts(string HandleType, HandleReleaser ReleasedBy, int CallsInFlight) : ViolationFacts;
