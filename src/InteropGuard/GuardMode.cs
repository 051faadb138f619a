// GuardMode.cs: the four modes selected by the INTEROPGUARD environment variable (or a build's default), read once at start-up.
namespace InteropGuard;

/// <summary>How much checking the runtime does; chosen once per process by <c>INTEROPGUARD=0|1|2|release</c>
/// (unset: the build's default, see docs/design/modes.md).</summary>
public enum GuardMode
{
    /// <summary>Off (<c>INTEROPGUARD=0</c>): every check compiles away, the native library is never loaded; costs nothing.</summary>
    Off = 0,

    /// <summary>Call-boundary checks (<c>INTEROPGUARD=1</c>, the default of Debug builds): a shadow-table lookup per checked pointer (a few ns).</summary>
    Boundary = 1,

    /// <summary>Boundary checks plus the out-of-process validator (<c>INTEROPGUARD=2</c>); the validator periodically stops the process for tens of ms.</summary>
    Validator = 2,

    /// <summary>Release mode (<c>INTEROPGUARD=release</c>, the default of builds with <c>InteropGuardRelease=true</c>):
    /// cheap enough to leave on. Native blocks are plain allocations except 1 in <c>sample_rate</c> (default 20000),
    /// placed before a guard page; calls check pointer arguments only against a compact filter of released ranges
    /// (about 1 ns); no call-scoped pins, callbacks or SafeHandles are recorded at calls and there is no validator.</summary>
    Release = 3,
}
