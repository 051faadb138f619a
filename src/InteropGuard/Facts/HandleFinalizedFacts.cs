// HandleFinalizedFacts.cs: leaked-pin of a GuardedSafeHandle its finalizer released because nobody disposed it.
namespace InteropGuard.Facts;

/// <summary>A GuardedSafeHandle released by its finalizer, never disposed.</summary>
/// <param name="HandleType">The handle's type name.</param>
internal sealed record HandleFinalizedFacts(string HandleType) : ViolationFacts;
