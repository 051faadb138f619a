// NestedPointerNativeMethods.cs - the P/Invokes and structs of NestedPointerBenchmarks: the same ig_test_reset entry point (it ignores its arguments) declared raw ([NotIntercepted]) and intercepted, with structs whose fields are followed (pointers) or not (integers).
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.Benchmarks;

/// <summary>Four pointer fields: each is followed by the wrapper (the boundary check, and in mode 2 the unpinned check).</summary>
public unsafe struct FourPointers
{
    public void* A;
    public void* B;
    public void* C;
    public void* D;
}

/// <summary>The same 32 bytes as integers: an integer field is never followed, so the wrapper checks nothing in it.</summary>
public struct FourWords
{
    public ulong A;
    public ulong B;
    public ulong C;
    public ulong D;
}

/// <summary>A buffer description native code reads: the pointer is followed.</summary>
public unsafe struct BufferRef
{
    public byte* Data;
    public nint Length;
}

/// <summary>The direct calls: the baselines.</summary>
[NotIntercepted]
internal static unsafe class RawNestedNative
{
    private const string Library = "libigtestnative";

    [DllImport(Library, EntryPoint = "ig_test_reset")]
    public static extern void UseFour(nint pointer, FourPointers s);

    [DllImport(Library, EntryPoint = "ig_test_reset")]
    public static extern void UseBuffer(BufferRef b);
}

/// <summary>The same calls, intercepted by the generator. <c>pointer</c> gives every case a wrapper.</summary>
internal static unsafe class GuardedNestedNative
{
    private const string Library = "libigtestnative";

    [DllImport(Library, EntryPoint = "ig_test_reset")]
    public static extern void UseFour(nint pointer, FourPointers s);

    [DllImport(Library, EntryPoint = "ig_test_reset")]
    public static extern void UseWords(nint pointer, FourWords s);

    [DllImport(Library, EntryPoint = "ig_test_reset")]
    public static extern void UseBuffer(BufferRef b);
}
