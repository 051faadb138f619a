// HandleClosedWhileRetainedFacts.cs: handle-released-in-use of a plain tracked SafeHandle, found closed when native code let go of it.
namespace InteropGuard.Facts;

/// <summary>A plain SafeHandle found closed at ReleasedByNative; InteropGuard's reference deferred the close until then.</summary>
/// <param name="HandleType">The handle's type name.</param>
/// <param name="LetGoAt">Where ReleasedByNative was called.</param>
internal sealed record HandleClosedWhileRetainedFacts(string HandleType, SourceSite LetGoAt) : ViolationFacts;
