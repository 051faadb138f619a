// Scenarios.cs - the demo's six bugs, each a few lines of ordinary-looking application code that misuses
// ImageDecoder; Program runs them one after another and checks that InteropGuard reported each.
using System;

namespace InteropGuard.Demo;

/// <summary>The bug scenarios. Each method is the buggy program; the comment marks the line that is wrong.</summary>
internal static class Scenarios
{
    /// <summary>A scanline view outlives the decoder that owned the pixels.</summary>
    public static void UseAfterFree()
    {
        ScanlineView rows;
        using (var decoder = new ImageDecoder(width: 64, height: 4))
        {
            decoder.Decode(shade: 0x40);
            rows = decoder.GetScanlines();
            Console.WriteLine($"      row 0 checksum while the decoder is alive: {rows.RowChecksum(0)}");
        }                                       // the decoder frees its pixels here

        ulong checksum = rows.RowChecksum(1);   // BUG: the view still points into the freed buffer
        Console.WriteLine($"      row 1 checksum after Dispose: {checksum} (read freed memory)");
    }

    /// <summary>A checksum over more rows than the image has.</summary>
    public static void OverflowByLength()
    {
        using var decoder = new ImageDecoder(width: 64, height: 4);
        decoder.Decode(shade: 0x40);
        ulong checksum = decoder.ChecksumRows(firstRow: 2, rowCount: 4);   // BUG: rows 4 and 5 do not exist
        Console.WriteLine($"      rows 2-5 checksum: {checksum} (read past the buffer)");
    }

    /// <summary>The native codec writes past the end of the pixels; the canaries behind the buffer catch it.</summary>
    public static void OverflowByNativeWrite()
    {
        var decoder = new ImageDecoder(width: 64, height: 4);
        decoder.DecodeProgressive(shade: 0x40);    // BUG (native): writes an 8-byte marker past the pixels

        foreach (Violation damaged in Guard.Verify())   // a periodic health check finds it without throwing
            Console.WriteLine($"      Guard.Verify: {damaged.KindName} at 0x{damaged.Address:x}");

        decoder.Dispose();                          // freeing checks the canaries too
    }

    /// <summary>Ownership is handed over as a raw pointer, but the decoder still frees its buffer.</summary>
    public static void DoubleFree()
    {
        var decoder = new ImageDecoder(width: 64, height: 4);
        decoder.Decode(shade: 0x40);

        nint pixels = decoder.DetachPixels();       // the consumer now owns the pixels...
        NativeBuffer.Free(pixels);                  // ...and frees them when done

        decoder.Dispose();                          // BUG: the decoder did not forget the buffer and frees it again
    }

    /// <summary>The codec keeps the palette pointer past the pin that made it valid.</summary>
    public static void UseAfterUnpin()
    {
        using var decoder = new ImageDecoder(width: 64, height: 4);
        var palette = new byte[256];
        for (int i = 0; i < palette.Length; i++)
            palette[i] = (byte)(255 - i);

        decoder.SetPalette(palette);                // pins the palette for one call; the codec keeps the pointer
        decoder.Decode(shade: 0x40);

        ulong checksum = decoder.PaletteChecksum(); // BUG: the codec hands back a pointer whose pin was released
        Console.WriteLine($"      palette checksum: {checksum} (the GC could have moved the array)");
        NativeCodec.Reset();
    }

    /// <summary>The codec calls back with a handle cookie after the handle was freed.</summary>
    public static void InvalidHandle()
    {
        using var decoder = new ImageDecoder(width: 64, height: 4);
        var sink = new ProgressSink();
        decoder.ReportProgressTo(sink);
        ImageDecoder.OnCodecProgress(NativeCodec.Retained(), percent: 50);

        decoder.StopProgress();                     // frees the handle, but the codec still has the cookie

        ImageDecoder.OnCodecProgress(NativeCodec.Retained(), percent: 100);   // BUG: a late callback
        NativeCodec.Reset();
    }
}
