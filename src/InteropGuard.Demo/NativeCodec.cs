// NativeCodec.cs - the raw P/Invoke layer of the demo: the "native image codec" it talks to. The functions
// live in libigtestnative.so (the InteropGuard test library), which plays a codec with a few classic bugs.
using System.Runtime.InteropServices;

namespace InteropGuard.Demo;

/// <summary>
/// Raw entry points of the native codec, one per native function and nothing else (no checks, no policy):
/// the layer that in a real application is generated from the C header.
/// </summary>
internal static partial class NativeCodec
{
    private const string Library = "libigtestnative";

    /// <summary>Sums <paramref name="length"/> bytes at <paramref name="pixels"/> (reads them).</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_sum")]
    internal static partial ulong Checksum(nint pixels, nuint length);

    /// <summary>Writes <paramref name="value"/> into <paramref name="length"/> bytes at <paramref name="pixels"/>.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_fill")]
    internal static partial void Fill(nint pixels, nuint length, byte value);

    /// <summary>The codec stores the pointer for later calls (a palette, a user-data cookie, ...).</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_keep_pointer")]
    internal static partial void Retain(nint pointer);

    /// <summary>The pointer stored by <see cref="Retain"/>, as the codec hands it back later.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_kept_pointer")]
    internal static partial nint Retained();

    /// <summary>Forgets the stored pointer.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_reset")]
    internal static partial void Reset();

    /// <summary>Registers the progress callback (the codec keeps the pointer; 0 unregisters).</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_keep_callback")]
    internal static partial void SetProgress(nint callback);

    /// <summary>One decode step: calls the registered progress callback with <paramref name="percent"/>.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_call_kept")]
    internal static partial int Step(int percent);

    /// <summary>A decode that blocks on the decoder's raw handle until <see cref="FinishDecoding"/>.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_block_holding")]
    internal static partial void BlockingDecode(nint handle);

    /// <summary>Waits until a decode blocks.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_wait_blocked")]
    internal static partial void WaitDecoding();

    /// <summary>Lets the blocked decode return.</summary>
    [LibraryImport(Library, EntryPoint = "ig_test_release_blocked")]
    internal static partial void FinishDecoding();
}
