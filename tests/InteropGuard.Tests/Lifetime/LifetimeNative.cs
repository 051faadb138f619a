// LifetimeNative.cs - the P/Invokes of tests/native/igtestnative.c the callback and handle tests use (callbacks called
// now, kept and called later, called from a native thread; a call that blocks holding a raw value).
using System.Runtime.InteropServices;

namespace InteropGuard.Tests.Lifetime;

/// <summary>A callback native code calls with an int and whose int it returns.</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
public delegate int IntCallback(int x);

/// <summary>A callback with a pointer parameter (the wrapper must handle pointer types).</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
public unsafe delegate byte* PointerCallback(byte* data, nint length);

internal static unsafe partial class LifetimeNative
{
    private const string Lib = "igtestnative";

    [LibraryImport(Lib, EntryPoint = "ig_test_call")]
    internal static partial int Call(nint fn, int x);

    [LibraryImport(Lib, EntryPoint = "ig_test_keep_callback")]
    internal static partial void KeepCallback(nint fn);

    [LibraryImport(Lib, EntryPoint = "ig_test_call_kept")]
    internal static partial int CallKept(int x);

    [LibraryImport(Lib, EntryPoint = "ig_test_call_kept_on_thread")]
    internal static partial int CallKeptOnThread(int x);

    [LibraryImport(Lib, EntryPoint = "ig_test_block_holding")]
    internal static partial void BlockHolding(nint p);

    [LibraryImport(Lib, EntryPoint = "ig_test_wait_blocked")]
    internal static partial void WaitBlocked();

    [LibraryImport(Lib, EntryPoint = "ig_test_release_blocked")]
    internal static partial void ReleaseBlocked();

    [LibraryImport(Lib, EntryPoint = "ig_test_reset")]
    internal static partial void Reset();
}
