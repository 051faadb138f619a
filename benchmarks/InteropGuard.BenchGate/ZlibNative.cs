// ZlibNative.cs - the zlib entry points the gate's workloads call (the system's libz.so.1, plain [DllImport] with pointer
// arguments), declared twice: RawZlib is left alone by the generator ([NotIntercepted]), GuardedZlib is intercepted.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.BenchGate;

/// <summary>The direct calls: the baselines. <c>uLong</c> is 64 bits on Linux x64 (<c>nuint</c>), <c>uInt</c> 32.</summary>
[NotIntercepted]
internal static unsafe class RawZlib
{
    private const string Library = "libz.so.1";

    /// <summary><c>int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level)</c>.</summary>
    [DllImport(Library, EntryPoint = "compress2")]
    public static extern int Compress2(byte* dest, nuint* destLength, byte* source, nuint sourceLength, int level);

    /// <summary><c>uLong compressBound(uLong sourceLen)</c>: the largest output of compress2 for that input.</summary>
    [DllImport(Library, EntryPoint = "compressBound")]
    public static extern nuint CompressBound(nuint sourceLength);

    /// <summary><c>uLong crc32(uLong crc, const Bytef *buf, uInt len)</c>.</summary>
    [DllImport(Library, EntryPoint = "crc32")]
    public static extern nuint Crc32(nuint crc, byte* buffer, uint length);
}

/// <summary>The same calls, intercepted by the generator: every pointer argument is checked.</summary>
internal static unsafe class GuardedZlib
{
    private const string Library = "libz.so.1";

    /// <summary><c>compress2</c>; the wrapper checks <paramref name="dest"/>, <paramref name="destLength"/> and <paramref name="source"/>.</summary>
    [DllImport(Library, EntryPoint = "compress2")]
    public static extern int Compress2(byte* dest, nuint* destLength, byte* source, nuint sourceLength, int level);

    /// <summary><c>crc32</c>; the wrapper checks <paramref name="buffer"/>.</summary>
    [DllImport(Library, EntryPoint = "crc32")]
    public static extern nuint Crc32(nuint crc, byte* buffer, uint length);
}
