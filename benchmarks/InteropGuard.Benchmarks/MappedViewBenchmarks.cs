// MappedViewBenchmarks.cs - the cost of Guard.MapView + Release (AcquirePointer plus a tracked mapped-view range) against
// the bare AcquirePointer/ReleasePointer pair on the same accessor, in mode 0 and mode 1.
using System.IO.MemoryMappedFiles;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>Acquire and release the pointer of one 64 KiB view. Baseline: <c>SafeMemoryMappedViewHandle.AcquirePointer</c>
/// + <c>ReleasePointer</c>. Mapping itself (mmap) is done once in setup; both cases measure what is paid per use.</summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class MappedViewBenchmarks
{
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _accessor;

    [GlobalSetup]
    public void Setup()
    {
        _file = MemoryMappedFile.CreateNew(null, 64 * 1024);
        _accessor = _file.CreateViewAccessor(0, 64 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _accessor?.Dispose();
        _file?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "AcquirePointer+ReleasePointer")]
    public nint AcquireRelease()
    {
        byte* p = null;
        _accessor!.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        return (nint)p;
    }

    [Benchmark(Description = "Guard.MapView + Release()")]
    public nint MapViewRelease()
    {
        MappedView view = Guard.MapView(_accessor!);
        nint p = view.Pointer;
        view.Release();
        return p;
    }
}
