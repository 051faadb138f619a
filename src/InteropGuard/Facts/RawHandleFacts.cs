// RawHandleFacts.cs: handle-released-in-use of a DangerousGetHandle() argument whose SafeHandle became unreachable or was closed during the call.
namespace InteropGuard.Facts;

/// <summary>The SafeHandle a raw <c>DangerousGetHandle()</c> argument came from became unreachable, or was closed, while
/// native code used the value.</summary>
/// <param name="HandleType">The SafeHandle's type name.</param>
/// <param name="Unreachable">True when nothing referenced it during the call (the GC queued its finalizer); false when it was closed.</param>
/// <param name="Collected">True when it was also finalized and collected before the call returned (its release then never runs).</param>
internal sealed record RawHandleFacts(string HandleType, bool Unreachable, bool Collected) : ViolationFacts;
