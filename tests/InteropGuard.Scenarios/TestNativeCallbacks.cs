// TestNativeCallbacks.cs - the P/Invokes of tests/native/igtestnative.c for callbacks and blocking calls (issue 5: callbacks and handles).
using System.Runtime.InteropServices;

namespace InteropGuard.Scenarios;

/// <summary>A callback native code calls with an int and whose int it returns.</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate int IntCallback(int x);

internal static unsafe partial class TestNative
{
    /// <summary>Keeps <paramref name="fn"/> for later calls (a registration).</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_keep_callback")]
    internal static partial void KeepCallback(nint fn);

    /// <summary>Calls the kept callback with <paramref name="x"/>; -1 when none is kept.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_call_kept")]
    internal static partial int CallKept(int x);

    /// <summary>Keeps <paramref name="p"/> and blocks until <see cref="ReleaseBlocked"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_block_holding")]
    internal static partial void BlockHolding(nint p);

    /// <summary>Waits until a thread blocks in <see cref="BlockHolding"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_wait_blocked")]
    internal static partial void WaitBlocked();

    /// <summary>Lets the blocked thread return.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_release_blocked")]
    internal static partial void ReleaseBlocked();
}
