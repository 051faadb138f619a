// TestNative.cs - P/Invoke declarations of tests/native/igtestnative.c, the deliberately wrong native library.
using System.Runtime.InteropServices;

namespace InteropGuard.Scenarios;

/// <summary>The functions of libigtestnative.so; see tests/native/igtestnative.c for what each does wrong.</summary>
internal static unsafe partial class TestNative
{
    private const string Lib = "igtestnative";

    /// <summary>Stores <paramref name="p"/> for a later <see cref="ReadKept"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_keep_pointer")]
    internal static partial void KeepPointer(nint p);

    /// <summary>The pointer <see cref="KeepPointer"/> stored.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_kept_pointer")]
    internal static partial nint KeptPointer();

    /// <summary>Sums <paramref name="n"/> bytes at the kept pointer.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_read_kept")]
    internal static partial ulong ReadKept(nuint n);

    /// <summary>Sums <paramref name="n"/> bytes at <paramref name="p"/> (the correct reader).</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_sum")]
    internal static partial ulong Sum(nint p, nuint n);

    /// <summary>Writes <paramref name="v"/> into <paramref name="n"/> bytes at <paramref name="p"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_fill")]
    internal static partial void Fill(nint p, nuint n, byte v);

    /// <summary>ig_malloc(n).</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_alloc")]
    internal static partial nint Alloc(nuint n);

    /// <summary>ig_realloc(p, n): p is freed into quarantine.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_realloc")]
    internal static partial nint Realloc(nint p, nuint n);

    /// <summary>ig_free(p) once.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_free")]
    internal static partial void Free(nint p);

    /// <summary>ig_free(p) twice: a natively detected double free.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_free_twice")]
    internal static partial void FreeTwice(nint p);

    /// <summary>ig_free(p + offset): a natively detected invalid free.</summary>
    [LibraryImport(Lib, EntryPoint = "ig_test_free_interior")]
    internal static partial void FreeInterior(nint p, nuint offset);
}
