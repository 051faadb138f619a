// InterceptBenchmarks.cs - the cost of the generated interceptor around a P/Invoke call site against the direct call, in
// mode 0 (the wrapper must fold to the direct call) and mode 1 (the checks run), per argument kind.
using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>
/// Pairs of the same <c>ig_test_sum</c> / <c>ig_test_keep_pointer</c> call: <see cref="RawNative"/> (not intercepted)
/// and <see cref="GuardedNative"/> (intercepted). Arguments: an <c>nint</c> into a live <see cref="NativeBuffer"/> (one
/// shadow-table lookup), a 16-byte <c>byte[]</c> (a call-scoped pin: push + pop on the thread's call region), a SafeHandle (in-flight count
/// and the closed check), the same delegate every call (a call-scoped callback: a register and release in the thread's pin
/// log, the call site slot's lock; its cache of the last delegate skips the lookups).
/// </summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class InterceptBenchmarks
{
    private const int Length = 16;

    private NativeBuffer? _buffer;
    private nint _tracked;
    private byte[] _array = [];
    private BufferHandle? _handle;
    private NativeCallback? _callback;

    [GlobalSetup]
    public void Setup()
    {
        _buffer = NativeBuffer.Allocate(Length);
        _buffer.Span.Fill(1);
        _tracked = _buffer.Pointer;
        _array = new byte[Length];
        _array.AsSpan().Fill(1);
        _handle = new BufferHandle(_tracked);
        _callback = static _ => { };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _handle?.Dispose();
        _buffer?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw P/Invoke (nint)")]
    public ulong RawPointer() => RawNative.Sum(_tracked, Length);

    [Benchmark(Description = "intercepted (nint)")]
    public ulong InterceptedPointer() => GuardedNative.Sum(_tracked, Length);

    [Benchmark(Description = "raw P/Invoke (byte[])")]
    public ulong RawArray() => RawNative.SumArray(_array, Length);

    [Benchmark(Description = "intercepted (byte[], call-scoped pin)")]
    public ulong InterceptedArray() => GuardedNative.SumArray(_array, Length);

    [Benchmark(Description = "raw P/Invoke (SafeHandle)")]
    public ulong RawHandle() => RawNative.SumHandle(_handle!, Length);

    [Benchmark(Description = "intercepted (SafeHandle)")]
    public ulong InterceptedHandle() => GuardedNative.SumHandle(_handle!, Length);

    [Benchmark(Description = "raw P/Invoke (delegate)")]
    public void RawDelegate() => RawNative.Keep(_callback!);

    [Benchmark(Description = "intercepted (delegate)")]
    public void InterceptedDelegate() => GuardedNative.Keep(_callback!);

    /// <summary>A SafeHandle over the benchmark's buffer; owns nothing (the NativeBuffer frees it).</summary>
    private sealed class BufferHandle : SafeHandle
    {
        public BufferHandle(nint pointer)
            : base(0, ownsHandle: false)
        {
            SetHandle(pointer);
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle() => true;
    }
}
