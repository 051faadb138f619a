// CallbackStubFacts.cs: collected-delegate-callback when native code calls a released GuardedCallback's quarantined stub: the delegate type.
namespace InteropGuard.Facts;

/// <summary>The delegate behind the stub native code called after its release.</summary>
/// <param name="DelegateType">The delegate's type name.</param>
internal sealed record CallbackStubFacts(string DelegateType) : ViolationFacts;
