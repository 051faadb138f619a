// PinBenchmarks.cs - the cost of a tracked pin (Guard.Pin) against the unguarded pinned GCHandle, in mode 0 and
// mode 1, released with the cheap caller-info path (Release) and with Dispose (release site from a stack walk).
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>Pin a 256-byte array, read its address, release the pin. Baseline: <c>GCHandle.Alloc(Pinned)</c> +
/// <c>AddrOfPinnedObject</c> + <c>Free</c>; <c>fixed</c> is shown for scale (it costs nothing and tracks nothing).</summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class PinBenchmarks
{
    private readonly byte[] _array = new byte[256];

    [Benchmark(Baseline = true, Description = "GCHandle pinned alloc+free")]
    public nint PinnedGCHandle()
    {
        GCHandle handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        nint p = handle.AddrOfPinnedObject();
        handle.Free();
        return p;
    }

    [Benchmark(Description = "fixed (untracked)")]
    public nint Fixed()
    {
        fixed (byte* p = _array)
            return (nint)p;
    }

    [Benchmark(Description = "Guard.Pin + Release()")]
    public nint GuardPinRelease()
    {
        Pin pin = Guard.Pin(_array);
        nint p = pin.Pointer;
        pin.Release();
        return p;
    }

    [Benchmark(Description = "Guard.Pin + Dispose()")]
    public nint GuardPinDispose()
    {
        using Pin pin = Guard.Pin(_array);
        return pin.Pointer;
    }
}
