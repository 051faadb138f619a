// LightCheckBenchmarks.cs - release mode's choice of boundary check, measured: the released-range filter against a
// per-site sample of full shadow-table checks and the full check on every call, all around the same trivial P/Invoke.
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using InteropGuard.Interception;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>
/// The issue asked for "only the O(1) fast path at each call, or a per-site sample of full checks — whichever the
/// benchmarks show is cheaper for the same findings". Each case is <c>ig_test_sum(pointer, 0)</c> (not intercepted)
/// preceded by one way of checking <c>pointer</c>, a live native block the filter has not seen: <see cref="Raw"/>
/// nothing; <see cref="Filter"/> release mode's inlined compare (<see cref="ReleasedRangeFilter"/>);
/// <see cref="SampledFull16"/> / <see cref="SampledFull256"/> a per-site counter that runs the full check every 16th /
/// 256th call (finds a given bad call with probability 1/16, 1/256); <see cref="Full"/> the full check every call
/// (mode 1's, found every time). Runs in release mode (the filter is the mode's; the table is the same).
/// </summary>
[Config(typeof(ReleaseJobConfig))]
public unsafe class LightCheckBenchmarks
{
    private NativeBuffer? _buffer;
    private nint _pointer;
    private int _siteCounter;

    [GlobalSetup]
    public void Setup()
    {
        _buffer = NativeBuffer.Allocate(64);
        _pointer = _buffer.Pointer;
        using var released = NativeBuffer.Allocate(64); // the filter holds something, as in a running program
        ReleasedRangeFilter.Add(released.Pointer + 8192, 64);
    }

    [GlobalCleanup]
    public void Cleanup() => _buffer?.Dispose();

    [Benchmark(Baseline = true)]
    public ulong Raw() => RawNative.Sum(_pointer, 0);

    [Benchmark]
    public ulong Filter()
    {
        if (ReleasedRangeFilter.MayContain(_pointer))
        {
            FullCheck(_pointer);
        }

        return RawNative.Sum(_pointer, 0);
    }

    [Benchmark]
    public ulong SampledFull16()
    {
        if ((++_siteCounter & 15) == 0)
        {
            FullCheck(_pointer);
        }

        return RawNative.Sum(_pointer, 0);
    }

    [Benchmark]
    public ulong SampledFull256()
    {
        if ((++_siteCounter & 255) == 0)
        {
            FullCheck(_pointer);
        }

        return RawNative.Sum(_pointer, 0);
    }

    [Benchmark]
    public ulong Full()
    {
        FullCheck(_pointer);
        return RawNative.Sum(_pointer, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint FullCheck(nint pointer)
    {
        IgViolation violation;
        return IgNative.CheckNoTransition((void*)pointer, 0, &violation);
    }
}
