// ScanlineView.cs - a row-by-row view over an ImageDecoder's pixels that copies the raw address, and so can
// outlive the buffer it points into (the use-after-free of the demo).
namespace InteropGuard.Demo;

/// <summary>Rows of a decoded image, addressed by the native pixel pointer the view was created with.</summary>
internal readonly struct ScanlineView
{
    private readonly nint _pixels;
    private readonly int _width;

    /// <summary>A view of <paramref name="height"/> rows of <paramref name="width"/> bytes at <paramref name="pixels"/>.</summary>
    public ScanlineView(nint pixels, int width, int height)
    {
        _pixels = pixels;
        _width = width;
        Height = height;
    }

    /// <summary>Rows in the view.</summary>
    public int Height { get; }

    /// <summary>Checksum of one row, computed by the codec.</summary>
    public ulong RowChecksum(int row)
    {
        nint scanline = _pixels + row * _width;
        Guard.Check(scanline, _width);
        return NativeCodec.Checksum(scanline, (nuint)_width);
    }
}
