// NativeHeapTrackingBenchmarks.cs - malloc+free inside a hooked native library (tests/native/igheapholder.c's loop)
// with native-heap tracking on (zeroing, registry insert and remove) against glibc untouched, 16 B to 4 KiB, one and two
// threads; the two jobs run side by side in one BenchmarkDotNet run, each in its own process.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.Benchmarks;

/// <summary>Each invocation runs <see cref="Ops"/> malloc+free pairs inside libigheapholder.so on every thread (one
/// P/Invoke per invocation, so the figure is the pair alone). Job <c>glibc</c> never installs the hooks; job
/// <c>tracked</c> calls ig_heap_install first, which patches the library's imports.</summary>
[Config(typeof(NativeHeapJobsConfig))]
public unsafe class NativeHeapTrackingBenchmarks
{
    private const int Ops = 16384;

    private ParallelLoop? _loop;

    [Params(16, 64, 256, 1024, 4096)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (System.Environment.GetEnvironmentVariable("IG_BENCH_NATIVE_HEAP") == "1")
        {
            IgNative.Init(null, 0);
            HeapHolder.Churn(16, 1); // loads the library before the hooks are installed: install patches what is loaded
            int status = HeapHolder.Install();
            if (status != 0)
            {
                throw new System.InvalidOperationException("ig_heap_install failed: " + status);
            }
        }

        _loop = new ParallelLoop(Threads);
    }

    [GlobalCleanup]
    public void Cleanup() => _loop?.Dispose();

    [Benchmark(OperationsPerInvoke = Ops, Description = "malloc+free in a library")]
    public void MallocFree() => _loop!.Run(&Loop, Size);

    private static void Loop(int size) => HeapHolder.Churn((nuint)size, Ops);
}

/// <summary>libigheapholder.so's loop and libinteropguard's ig_heap_install.</summary>
[NotIntercepted]
internal static unsafe partial class HeapHolder
{
    [LibraryImport("igheapholder", EntryPoint = "igh_churn")]
    public static partial nuint Churn(nuint size, int n);

    [LibraryImport("libinteropguard", EntryPoint = "ig_heap_install")]
    public static partial int Install();
}

/// <summary>Two jobs: glibc untouched (the baseline) and native-heap tracking installed.</summary>
internal sealed class NativeHeapJobsConfig : ManualConfig
{
    public NativeHeapJobsConfig()
    {
        AddJob(BenchmarkJobs.Base.WithEnvironmentVariables(new EnvironmentVariable("IG_BENCH_NATIVE_HEAP", "0")).WithId("glibc").AsBaseline());
        AddJob(BenchmarkJobs.Base.WithEnvironmentVariables(new EnvironmentVariable("IG_BENCH_NATIVE_HEAP", "1")).WithId("tracked"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error);
        WithBuildTimeout(System.TimeSpan.FromMinutes(10)); // the generated project builds slowly on a shared 2-core machine
    }
}
