// AllocatorBenchmarks.cs - ig_malloc + ig_free (redzones, fill, poisoning, quarantine on) against glibc malloc +
// free and NativeMemory.Alloc + Free, on one thread and on two threads at once.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>
/// Each invocation runs <see cref="Ops"/> allocate+free pairs on every thread. With <c>Threads = 2</c> both threads
/// run the loop at the same time, and the figure is still the time of one pair as seen by one thread (wall time
/// divided by the per-thread count), so it equals the one-thread figure when the allocator scales perfectly.
/// ig_malloc and malloc are both called through a P/Invoke, so both pay the same transition.
/// </summary>
[Config(typeof(SingleJobConfig))]
public unsafe class AllocatorBenchmarks
{
    private const int Ops = 4096;

    private ParallelLoop? _loop;

    [Params(16, 64, 256, 1024, 4096, 65536)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _loop = new ParallelLoop(Threads);

    [GlobalCleanup]
    public void Cleanup() => _loop?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "malloc+free")]
    public void LibcMallocFree() => _loop!.Run(&LibcLoop, Size);

    [Benchmark(OperationsPerInvoke = Ops, Description = "ig_malloc+ig_free")]
    public void IgMallocFree() => _loop!.Run(&IgLoop, Size);

    [Benchmark(OperationsPerInvoke = Ops, Description = "NativeMemory.Alloc+Free")]
    public void NativeMemoryAllocFree() => _loop!.Run(&NativeMemoryLoop, Size);

    private static void LibcLoop(int size)
    {
        for (int i = 0; i < Ops; i++)
            LibC.Free(LibC.Malloc((nuint)size));
    }

    private static void IgLoop(int size)
    {
        for (int i = 0; i < Ops; i++)
            IgNative.Free(IgNative.Malloc((nuint)size));
    }

    private static void NativeMemoryLoop(int size)
    {
        for (int i = 0; i < Ops; i++)
            NativeMemory.Free(NativeMemory.Alloc((nuint)size));
    }
}
