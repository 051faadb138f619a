// HolderKind.cs: where a scanned word sits (the protocol's "holder"), or that a finding is about a range itself.
namespace InteropGuard.Validator;

/// <summary>Where the word of a finding sits.</summary>
public enum HolderKind
{
    /// <summary>No holder: the finding is about a range itself (a damaged redzone, a leak, a retained range).</summary>
    Range,

    /// <summary>A live block of the shadow allocator (<c>native-block</c>).</summary>
    NativeBlock,

    /// <summary>A live native region registered by hand (<c>native-region</c>).</summary>
    NativeRegion,

    /// <summary>The writable data (.data/.bss) of a native library the program loaded (<c>library-data</c>).</summary>
    LibraryData,

    /// <summary>A block a native library (or managed code through libSystem.Native) allocated with malloc, calloc,
    /// realloc, an aligned allocation or C++ new, tracked by native-heap tracking (<c>native-heap</c>).</summary>
    NativeHeap,
}
