// ImageDecoder.cs - the demo's "library code": a decoder that owns native pixel memory and hands addresses to
// a native codec, written the way real interop wrappers are, including the mistakes real wrappers make.
using System;

namespace InteropGuard.Demo;

/// <summary>
/// Decodes an 8-bit grayscale image with a native codec. The pixels live in a <see cref="NativeBuffer"/>
/// (guarded native memory) that the decoder owns and frees on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Every call that passes an address to native code is preceded by <see cref="Guard.Check(nint, nint, string?, string, string, int)"/>.
/// The InteropGuard generator inserts these checks around each P/Invoke call site for you; they are written
/// out here so that the demo shows exactly what is checked and runs without the generator.
/// </remarks>
internal sealed class ImageDecoder : IDisposable
{
    /// <summary>The end-of-image marker the codec's progressive path writes after the pixels (its bug).</summary>
    private const int EndMarkerBytes = 8;

    private readonly NativeBuffer _pixels;
    private byte[]? _palette;
    private CheckedHandle _progressCookie;

    /// <summary>Allocates the pixel buffer for a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public ImageDecoder(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = NativeBuffer.Allocate(width * height);
    }

    /// <summary>Pixels per row (one byte each, rows are packed).</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Decodes the image: the codec writes every pixel.</summary>
    public void Decode(byte shade)
    {
        Guard.Check(_pixels.Pointer, _pixels.Length);
        NativeCodec.Fill(_pixels.Pointer, (nuint)_pixels.Length, shade);
    }

    /// <summary>
    /// Decodes through the codec's progressive path, which writes an end-of-image marker past the last pixel.
    /// The call itself passes the right length, so no call-boundary check can see the overflow; the damaged
    /// redzone is found by <see cref="Guard.Verify"/> or when the buffer is freed.
    /// </summary>
    public void DecodeProgressive(byte shade)
    {
        Guard.Check(_pixels.Pointer, _pixels.Length);
        // libigtestnative stands in for the codec: asking it for the marker bytes reproduces the codec's write.
        NativeCodec.Fill(_pixels.Pointer, (nuint)(_pixels.Length + EndMarkerBytes), shade);
    }

    /// <summary>Checksum of <paramref name="rowCount"/> rows starting at <paramref name="firstRow"/>, computed by the codec.</summary>
    public ulong ChecksumRows(int firstRow, int rowCount)
    {
        nint rows = _pixels.Pointer + firstRow * Width;
        nint length = rowCount * Width;
        Guard.Check(rows, length);
        return NativeCodec.Checksum(rows, (nuint)length);
    }

    /// <summary>A lightweight view of the rows for callers that process scanlines one by one.</summary>
    public ScanlineView GetScanlines() => new(_pixels.Pointer, Width, Height);

    /// <summary>
    /// Gives the pixel memory to a consumer that frees it with <see cref="NativeBuffer.Free"/> when done
    /// (ownership as a raw pointer, as C APIs do).
    /// </summary>
    public nint DetachPixels() => _pixels.Pointer;

    /// <summary>Sets the palette the codec maps pixel values through.</summary>
    public void SetPalette(byte[] palette)
    {
        using Pin pin = Guard.Pin(palette);
        NativeCodec.Retain(pin.Pointer); // the codec keeps this pointer for later calls...
        _palette = palette;
    }                                   // ...but the pin ends here.

    /// <summary>Checksum of the palette as the codec sees it (through the pointer it kept).</summary>
    public ulong PaletteChecksum()
    {
        byte[] palette = _palette ?? throw new InvalidOperationException("SetPalette was not called.");
        nint codecPalette = NativeCodec.Retained();
        Guard.Check(codecPalette, palette.Length);
        ulong sum = NativeCodec.Checksum(codecPalette, (nuint)palette.Length);
        GC.KeepAlive(palette);
        return sum;
    }

    /// <summary>Registers <paramref name="sink"/> to receive progress; the codec gets a handle cookie as user data.</summary>
    public void ReportProgressTo(ProgressSink sink)
    {
        _progressCookie = CheckedHandle.Alloc(sink);
        NativeCodec.Retain(_progressCookie.ToIntPtr());
    }

    /// <summary>Stops progress reports and frees the cookie's handle.</summary>
    public void StopProgress() => _progressCookie.Free();

    /// <summary>
    /// The codec's progress callback: native code calls it with the user data it was given. (libigtestnative has
    /// no callbacks; the demo fetches the stored cookie and calls this itself, as the codec would.)
    /// </summary>
    public static void OnCodecProgress(nint userData, int percent)
    {
        ProgressSink sink = CheckedHandle.FromIntPtr(userData).GetTarget<ProgressSink>();
        sink.Report(percent);
    }

    /// <summary>Frees the pixel buffer (into InteropGuard's quarantine). <c>Release()</c> rather than <c>Dispose()</c>:
    /// it records this line as the free site in reports at no cost.</summary>
    public void Dispose() => _pixels.Release();
}
