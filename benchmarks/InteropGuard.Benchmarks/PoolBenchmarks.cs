// PoolBenchmarks.cs - the cost of GuardedArrayPool (poisoned quarantine, a table record per rent/return cycle) against
// ArrayPool<byte>.Shared, in mode 0 and mode 1: rent + return of 256 B and 4 KiB, and Guard.Check of a rented array.
using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>Rent then return one array. Baseline: <c>ArrayPool&lt;byte&gt;.Shared</c>. "own" is
/// <c>GuardedArrayPool&lt;byte&gt;.Shared</c> (POH arrays, a live range while rented), "wrapped" guards
/// <c>ArrayPool&lt;byte&gt;.Shared</c> itself (a released range registered at return). Default <c>pool_quarantine=64</c>.</summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class PoolBenchmarks
{
    private readonly GuardedArrayPool<byte> _wrapped = new(ArrayPool<byte>.Shared);
    private byte[] _rented = [];
    private nint _pointer;

    [Params(256, 4096)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rented = GuardedArrayPool<byte>.Shared.Rent(Length);
        fixed (byte* p = _rented) _pointer = (nint)p;
    }

    [GlobalCleanup]
    public void Cleanup() => GuardedArrayPool<byte>.Shared.Return(_rented);

    [Benchmark(Baseline = true, Description = "ArrayPool.Shared Rent+Return")]
    public byte[] SharedPool()
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(Length);
        ArrayPool<byte>.Shared.Return(array);
        return array;
    }

    [Benchmark(Description = "GuardedArrayPool.Shared (own POH) Rent+Return")]
    public byte[] GuardedOwn()
    {
        GuardedArrayPool<byte> pool = GuardedArrayPool<byte>.Shared;
        byte[] array = pool.Rent(Length);
        pool.Return(array);
        return array;
    }

    [Benchmark(Description = "GuardedArrayPool(wrapping Shared) Rent+Return")]
    public byte[] GuardedWrapped()
    {
        byte[] array = _wrapped.Rent(Length);
        _wrapped.Return(array);
        return array;
    }

    [Benchmark(Description = "Guard.Check(rented pooled array, 16)")]
    public void CheckRented() => Guard.Check(_pointer, 16);
}
