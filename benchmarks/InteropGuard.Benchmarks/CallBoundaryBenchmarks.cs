// CallBoundaryBenchmarks.cs - the cost of Guard.Check at a P/Invoke call site against the unguarded call,
// in mode 0 (off) and mode 1 (call-boundary checks), with an empty and a populated shadow table.
using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>
/// The trivial callee is <c>ig_test_sum</c> over 16 bytes. Baseline: the raw P/Invoke. Checked: <c>Guard.Check</c>
/// of the argument, then the same P/Invoke. The pointer is either a live <see cref="NativeBuffer"/> (a hit in the
/// shadow table) or memory the guard does not know (a miss, allowed).
/// </summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class CallBoundaryBenchmarks
{
    private const int Length = 16;

    private NativeBuffer? _buffer;
    private nint _tracked;
    private nint _untracked;

    /// <summary>Unrelated live ranges registered before measuring (mode 1 only; ignored in mode 0).</summary>
    [Params(0, 100_000)]
    public int LiveRanges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _buffer = NativeBuffer.Allocate(Length);
        _buffer.Span.Fill(1);
        _tracked = _buffer.Pointer;
        _untracked = (nint)NativeMemory.AlignedAlloc(Length, 16);
        new Span<byte>((void*)_untracked, Length).Fill(1);
        if (Guard.IsEnabled)
            FakeRanges.Register(LiveRanges);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _buffer?.Dispose();
        NativeMemory.AlignedFree((void*)_untracked);
    }

    [Benchmark(Baseline = true, Description = "raw P/Invoke")]
    public ulong Raw() => TestNative.Sum(_tracked, Length);

    [Benchmark(Description = "Check(NativeBuffer) + P/Invoke")]
    public ulong CheckedTracked()
    {
        Guard.Check(_tracked, Length);
        return TestNative.Sum(_tracked, Length);
    }

    [Benchmark(Description = "Check(unknown memory) + P/Invoke")]
    public ulong CheckedUntracked()
    {
        Guard.Check(_untracked, Length);
        return TestNative.Sum(_untracked, Length);
    }

    [Benchmark(Description = "Check(NativeBuffer) alone")]
    public void CheckOnly() => Guard.Check(_tracked, Length);
}
