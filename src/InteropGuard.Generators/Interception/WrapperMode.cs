// WrapperMode.cs: which wrappers the interceptor generator emits, read from the MSBuild switches once per build; part of the generator's equatable input.
namespace InteropGuard.Generators.Interception;

/// <summary>What the generator emits (docs/design/generator.md, "Switching it on").</summary>
internal enum WrapperMode
{
    /// <summary>Nothing: neither <c>InteropGuardEnabled</c> nor <c>InteropGuardRelease</c> is <c>true</c> (Release builds by default).</summary>
    Off = 0,

    /// <summary>Checked wrappers around every call site (<c>InteropGuardEnabled=true</c>, the Debug default).</summary>
    Full,

    /// <summary>Light wrappers, only around calls with pointer arguments: one <c>CheckPointer</c> per pointer
    /// (<c>InteropGuardRelease=true</c> without <c>InteropGuardEnabled=true</c>).</summary>
    Light,
}
