// TrivialNative.cs - the trivial callees of the gate's call-cost pairs (libigtestnative.so), declared twice with the same
// entry points: RawTrivial is left alone by the generator ([NotIntercepted]), GuardedTrivial is intercepted.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.BenchGate;

/// <summary>The direct calls: the baselines.</summary>
[NotIntercepted]
internal static partial class RawTrivial
{
    private const string Library = "libigtestnative";

    /// <summary><c>ig_test_sum(p, n)</c>: with <c>n = 0</c> it reads nothing and returns 0 (one pointer argument).</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong Sum(nint pointer, nuint length);

    /// <summary><c>ig_test_reset()</c>: stores NULL in a static (no argument at all).</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_reset")]
    public static partial void Reset();
}

/// <summary>The same calls, intercepted by the generator (a checked wrapper at every call site).</summary>
internal static partial class GuardedTrivial
{
    private const string Library = "libigtestnative";

    /// <summary><c>ig_test_sum(p, n)</c>; the wrapper checks <paramref name="pointer"/>.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong Sum(nint pointer, nuint length);

    /// <summary><c>ig_test_reset()</c>; nothing to check.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_reset")]
    public static partial void Reset();
}
