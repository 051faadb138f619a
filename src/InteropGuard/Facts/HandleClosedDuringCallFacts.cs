// HandleClosedDuringCallFacts.cs: handle-released-in-use of a SafeHandle closed while an intercepted native call was using it.
namespace InteropGuard.Facts;

/// <summary>A SafeHandle closed during a native call; the marshaller's reference delayed the release until it returned.</summary>
/// <param name="HandleType">The handle's type name.</param>
internal sealed record HandleClosedDuringCallFacts(string HandleType) : ViolationFacts;
