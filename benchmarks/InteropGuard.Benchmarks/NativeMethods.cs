// NativeMethods.cs - the raw P/Invokes the benchmarks call: libinteropguard (allocator, shadow table), libc's
// allocator, and the trivial callee of libigtestnative. Bound the same way so each side pays the same transition.
using System.Runtime.InteropServices;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>ig_range_t (interopguard.h), 96 bytes; the benchmarks only need it as an out buffer.</summary>
[StructLayout(LayoutKind.Sequential, Size = 96)]
internal struct IgRange
{
    public ulong Id;
    public ulong Start;
    public ulong Size;
}

/// <summary>ig_violation_t (interopguard.h): 40 bytes of header and an ig_range_t, 136 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Size = 136)]
internal struct IgViolation
{
    public uint Kind;
}

/// <summary>Entry points of libinteropguard.so, exactly as declared in interopguard.h.</summary>
internal static unsafe partial class IgNative
{
    private const string Library = "libinteropguard";

    /// <summary>IG_RANGE_NATIVE_REGION: native memory registered by hand.</summary>
    public const uint RangeNativeRegion = 5;

    [LibraryImport(Library, EntryPoint = "ig_init")]
    public static partial int Init(byte* options, uint flags);

    [LibraryImport(Library, EntryPoint = "ig_malloc")]
    public static partial void* Malloc(nuint size);

    [LibraryImport(Library, EntryPoint = "ig_free")]
    public static partial void Free(void* pointer);

    [LibraryImport(Library, EntryPoint = "ig_range_register")]
    public static partial int RangeRegister(uint kind, void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(Library, EntryPoint = "ig_lookup")]
    public static partial int Lookup(void* address, nuint length, IgRange* range);

    /// <summary>ig_lookup without the GC transition: the lookup alone (the header allows it for ig_check).</summary>
    [LibraryImport(Library, EntryPoint = "ig_lookup")]
    [SuppressGCTransition]
    public static partial int LookupNoTransition(void* address, nuint length, IgRange* range);

    [LibraryImport(Library, EntryPoint = "ig_check")]
    [SuppressGCTransition]
    public static partial uint CheckNoTransition(void* address, nuint length, IgViolation* violation);
}

/// <summary>glibc's allocator, bound like <see cref="IgNative"/> so both pay one P/Invoke per call.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc.so.6";

    [LibraryImport(Library, EntryPoint = "malloc")]
    public static partial void* Malloc(nuint size);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(void* pointer);
}

/// <summary>The trivial native callee (libigtestnative.so).</summary>
internal static unsafe partial class TestNative
{
    private const string Library = "libigtestnative";

    /// <summary>Sums <paramref name="length"/> bytes at <paramref name="pointer"/>.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    public static partial ulong Sum(nint pointer, nuint length);
}
