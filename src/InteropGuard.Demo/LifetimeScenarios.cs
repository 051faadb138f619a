// LifetimeScenarios.cs - the demo's lifetime bugs: a pooled scanline buffer the codec still reads after it went
// back to the pool, a memory-mapped image the codec reads after the view was closed, and a file name string the codec
// keeps past the pin (SQLITE_STATIC style). Program runs them after the first six.
using System;
using System.IO.MemoryMappedFiles;

namespace InteropGuard.Demo;

/// <summary>The lifetime scenarios. Each method is the buggy program; the comment marks the line that is wrong.</summary>
internal static class LifetimeScenarios
{
    /// <summary>A scanline buffer from the pool is handed to the codec for "streaming" and returned too early.</summary>
    public static unsafe void PooledBufferUseAfterReturn()
    {
        GuardedArrayPool<byte> pool = GuardedArrayPool<byte>.Shared;   // drop-in for ArrayPool<byte>.Shared
        byte[] scanline = pool.Rent(256);
        fixed (byte* row = scanline)
            NativeCodec.Retain((nint)row);      // the codec streams into this row buffer across calls
        pool.Return(scanline);                  // BUG: returned while the codec still holds the pointer

        nint codecRow = NativeCodec.Retained();
        Guard.Check(codecRow, 256);             // what the generator inserts before the codec's next call
        ulong checksum = NativeCodec.Checksum(codecRow, 256);
        Console.WriteLine($"      row checksum: {checksum} (read a buffer the pool may have given to someone else)");
        NativeCodec.Reset();
    }

    /// <summary>An image file mapped into memory: the view is closed, the codec still has the pixel pointer.</summary>
    public static void MappedImageUseAfterUnmap()
    {
        nint pixels;
        using (var image = MemoryMappedFile.CreateNew(null, 64 * 1024))
        using (var accessor = image.CreateViewAccessor(0, 64 * 1024))
        {
            MappedView view = Guard.MapView(accessor);
            view.Span.Fill(0x40);
            NativeCodec.Retain(view.Pointer);   // the codec keeps the pixel pointer for progressive decoding
            pixels = view.Pointer;
            view.Release();
        }                                       // BUG: the mapping goes away here; the codec still has the pointer

        nint codecPixels = NativeCodec.Retained();
        Guard.Check(codecPixels, 64);           // the check throws before the codec touches unmapped memory
        Console.WriteLine($"      checksum: {NativeCodec.Checksum(codecPixels, 64)} (0x{pixels:x} is unmapped)");
        NativeCodec.Reset();
    }

    /// <summary>The codec's "set output name" keeps the string pointer, like sqlite3_bind_text with SQLITE_STATIC.</summary>
    public static void StringKeptPastPin()
    {
        string outputName = new('n', 50_000);   // a long name: the string stays where it was pinned
        using (Pin pin = Guard.Pin(outputName))
            NativeCodec.Retain(pin.Pointer);    // BUG: the codec keeps the pointer; the pin ends with this call

        nint codecName = NativeCodec.Retained();
        Guard.Check(codecName, 32);             // the report suggests NativeBuffer.FromString instead
        Console.WriteLine($"      name checksum: {NativeCodec.Checksum(codecName, 32)}");
        NativeCodec.Reset();
        GC.KeepAlive(outputName);
    }
}
