// RejectedHandleFacts.cs: invalid-handle: why the handle table rejected a CheckedHandle cookie (freed before, or never issued) and at what.
namespace InteropGuard.Facts;

/// <summary>A cookie the handle table rejected.</summary>
/// <param name="Freed">True when it was issued and freed (else never issued, or corrupted).</param>
/// <param name="AtFree">True when a second Free found it, false when a use did.</param>
internal sealed record RejectedHandleFacts(bool Freed, bool AtFree) : ViolationFacts;
