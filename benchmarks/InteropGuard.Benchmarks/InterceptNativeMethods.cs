// InterceptNativeMethods.cs - the P/Invokes of InterceptBenchmarks, declared twice with the same entry points: RawNative
// is left alone by the generator ([NotIntercepted]), GuardedNative is intercepted, so both sides pay the same marshalling.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.Benchmarks;

/// <summary>A callback type for the delegate case (marshalled to a function pointer by the runtime).</summary>
public delegate void NativeCallback(int value);

/// <summary>The direct calls: the baselines.</summary>
[NotIntercepted]
internal static unsafe partial class RawNative
{
    private const string Library = "libigtestnative";

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong Sum(nint pointer, nuint length);

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong SumArray(byte[] data, nuint length);

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong SumHandle(SafeHandle handle, nuint length);

    [DllImport(Library, EntryPoint = "ig_test_keep_pointer")]
    public static extern void Keep(NativeCallback callback);
}

/// <summary>The same calls, intercepted by the generator (a checked wrapper at every call site).</summary>
internal static unsafe partial class GuardedNative
{
    private const string Library = "libigtestnative";

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong Sum(nint pointer, nuint length);

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong SumArray(byte[] data, nuint length);

    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong SumHandle(SafeHandle handle, nuint length);

    [DllImport(Library, EntryPoint = "ig_test_keep_pointer")]
    public static extern void Keep(NativeCallback callback);
}
