// TargetNative.cs: P/Invoke declarations the target programs use: tests/native/igtestnative.c and the raw shadow-table calls of libinteropguard.
using System.Runtime.InteropServices;

namespace InteropGuard.ValidatorTargets;

/// <summary>libigtestnative.so (see tests/native/igtestnative.c) and the few libinteropguard calls the managed API does not expose.</summary>
internal static unsafe partial class TargetNative
{
    private const string Test = "igtestnative";
    private const string Ig = "libinteropguard";

    [LibraryImport(Test, EntryPoint = "ig_test_keep_pointer")]
    internal static partial void KeepPointer(void* p);

    /// <summary>The marshalled form: the runtime pins the array for the duration of the call only.</summary>
    [DllImport(Test, EntryPoint = "ig_test_keep_pointer")]
    internal static extern void KeepArray(byte[] array);

    [DllImport(Test, EntryPoint = "ig_test_call")]
    internal static extern int Call(TargetCallback fn, int x);

    [LibraryImport(Test, EntryPoint = "ig_test_reset")]
    internal static partial void Reset();

    [LibraryImport(Test, EntryPoint = "ig_test_fill")]
    internal static partial void Fill(void* p, nuint n, byte v);

    [LibraryImport(Test, EntryPoint = "ig_test_keep_in")]
    internal static partial void KeepIn(void* holder, nuint offset, void* p);

    [LibraryImport(Test, EntryPoint = "ig_test_block_holding")]
    internal static partial void BlockHolding(void* p);

    /// <summary>Blocks until <see cref="ReleaseBlocked"/> in cooperative mode: no GC transition, no transition frame.</summary>
    [LibraryImport(Test, EntryPoint = "ig_test_block")]
    [SuppressGCTransition]
    internal static partial void BlockCooperative();

    [LibraryImport(Test, EntryPoint = "ig_test_wait_blocked")]
    internal static partial void WaitBlocked();

    [LibraryImport(Test, EntryPoint = "ig_test_release_blocked")]
    internal static partial void ReleaseBlocked();

    [LibraryImport(Ig, EntryPoint = "ig_table")]
    internal static partial void* Table();

    [LibraryImport(Ig, EntryPoint = "ig_lookup")]
    internal static partial int Lookup(void* address, nuint length, void* range);

    [LibraryImport(Ig, EntryPoint = "ig_range_register")]
    internal static partial int RangeRegister(uint kind, void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(Ig, EntryPoint = "ig_range_release")]
    internal static partial int RangeRelease(ulong id, uint site, void* record);

    [LibraryImport(Ig, EntryPoint = "ig_site_intern", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint SiteIntern(string file, uint line, string function);
}
