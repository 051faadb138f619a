// GuardMode.cs: the three modes selected by the INTEROPGUARD environment variable, read once at start-up.
namespace InteropGuard;

/// <summary>How much checking the runtime does; chosen once per process by <c>INTEROPGUARD=0|1|2</c>.</summary>
public enum GuardMode
{
    /// <summary>Off (<c>INTEROPGUARD=0</c>): every check compiles away, the native library is never loaded; costs nothing.</summary>
    Off = 0,

    /// <summary>Call-boundary checks (<c>INTEROPGUARD=1</c>, the default): a shadow-table lookup per checked pointer (a few ns).</summary>
    Boundary = 1,

    /// <summary>Boundary checks plus the out-of-process validator (<c>INTEROPGUARD=2</c>); the validator periodically stops the process for tens of ms.</summary>
    Validator = 2,
}
