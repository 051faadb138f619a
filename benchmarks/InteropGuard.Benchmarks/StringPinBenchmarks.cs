// StringPinBenchmarks.cs - handing a string to native code: a tracked Guard.Pin(string) against a pinned GCHandle and
// fixed, and the copy the string report suggests (NativeBuffer.FromString) against Marshal.StringToCoTaskMemUTF8.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>One 64-character string, pinned or copied and released. Baseline: pinned <c>GCHandle</c> alloc + free.</summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class StringPinBenchmarks
{
    private readonly string _text = new('s', 64);

    [Benchmark(Baseline = true, Description = "GCHandle pinned string alloc+free")]
    public nint PinnedGCHandle()
    {
        GCHandle handle = GCHandle.Alloc(_text, GCHandleType.Pinned);
        nint p = handle.AddrOfPinnedObject();
        handle.Free();
        return p;
    }

    [Benchmark(Description = "fixed (char*) (untracked)")]
    public nint Fixed()
    {
        fixed (char* p = _text)
            return (nint)p;
    }

    [Benchmark(Description = "Guard.Pin(string) + Release()")]
    public nint GuardPinString()
    {
        Pin pin = Guard.Pin(_text);
        nint p = pin.Pointer;
        pin.Release();
        return p;
    }

    [Benchmark(Description = "Marshal.StringToCoTaskMemUTF8 + Free")]
    public nint CoTaskMemCopy()
    {
        nint p = Marshal.StringToCoTaskMemUTF8(_text);
        Marshal.FreeCoTaskMem(p);
        return p;
    }

    [Benchmark(Description = "NativeBuffer.FromString + Release()")]
    public nint NativeBufferCopy()
    {
        NativeBuffer copy = NativeBuffer.FromString(_text);
        nint p = copy.Pointer;
        copy.Release();
        return p;
    }
}
