// NestedPointerBenchmarks.cs - the cost of following nested pointers at the call boundary (unpinned-managed-pointer), mode 1 against mode 2 with a live validator, each case beside the raw call.
using System;
using System.IO;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace InteropGuard.Benchmarks;

/// <summary>
/// Two questions of docs/checks/unpinned-managed-pointer.md. Per followed pointer: a call passing a struct of four
/// pointers into native memory against the same wrapper passing four integers (not followed), and the raw call; the
/// difference divided by four is the cost of one followed pointer (mode 1: the boundary check; mode 2: that plus the
/// GC-range compare). Warm pinned loop: 10^6 calls passing a struct whose pointer points into one GCHandle-pinned
/// buffer: pinned by a GCHandle.Alloc the generator intercepted (InteropGuard tracks the pin: found in process), or by
/// one it did not (as in a library's code): in mode 2 the first call asks the validator and the rest reuse the verdict
/// until the next GC (the loop
/// allocates nothing and the jobs force no GC between iterations, so none intervenes). Figures are per call
/// (OperationsPerInvoke).
/// </summary>
[Config(typeof(NestedJobsConfig))]
public unsafe class NestedPointerBenchmarks
{
    private const int Calls = 1_000_000;

    private void* _native;
    private byte[] _pinned = [];
    private GCHandle _pin;
    private byte[] _untracked = [];
    private GCHandle _untrackedPin;
    private FourPointers _four;
    private FourWords _words;
    private BufferRef _buffer;
    private BufferRef _untrackedBuffer;

    [GlobalSetup]
    public void Setup()
    {
        _native = NativeMemory.Alloc(256);
        byte* n = (byte*)_native;
        _four = new FourPointers { A = n, B = n + 64, C = n + 128, D = n + 192 };
        _words = new FourWords { A = (ulong)n, B = (ulong)(n + 64), C = (ulong)(n + 128), D = (ulong)(n + 192) };
        _pinned = new byte[4096];
        _pin = GCHandle.Alloc(_pinned, GCHandleType.Pinned);
        _buffer = new BufferRef { Data = (byte*)_pin.AddrOfPinnedObject() + 16, Length = 64 };

        // Called through a method group, GCHandle.Alloc is not intercepted: InteropGuard does not track this pin, as
        // with one taken inside a library, so mode 2 asks the validator once and reuses its verdict.
        Func<object?, GCHandleType, GCHandle> alloc = GCHandle.Alloc;
        _untracked = new byte[4096];
        _untrackedPin = alloc(_untracked, GCHandleType.Pinned);
        _untrackedBuffer = new BufferRef { Data = (byte*)_untrackedPin.AddrOfPinnedObject() + 16, Length = 64 };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _untrackedPin.Free();
        _pin.Free();
        NativeMemory.Free(_native);
    }

    [Benchmark(Baseline = true, Description = "raw P/Invoke (nint + 4 native pointers)")]
    public void RawFour() => RawNestedNative.UseFour((nint)_native, _four);

    [Benchmark(Description = "intercepted, 4 integer fields (not followed)")]
    public void InterceptedWords() => GuardedNestedNative.UseWords((nint)_native, _words);

    [Benchmark(Description = "intercepted, 4 native pointers (followed)")]
    public void InterceptedFour() => GuardedNestedNative.UseFour((nint)_native, _four);

    [Benchmark(OperationsPerInvoke = Calls, Description = "raw, 10^6 calls, struct -> pinned buffer")]
    public void RawPinnedLoop()
    {
        for (int i = 0; i < Calls; i++)
        {
            RawNestedNative.UseBuffer(_buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "intercepted, 10^6 calls, struct -> pinned buffer")]
    public void InterceptedPinnedLoop()
    {
        for (int i = 0; i < Calls; i++)
        {
            GuardedNestedNative.UseBuffer(_buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "intercepted, 10^6 calls, struct -> buffer pinned by an untracked GCHandle")]
    public void InterceptedUntrackedPinLoop()
    {
        for (int i = 0; i < Calls; i++)
        {
            GuardedNestedNative.UseBuffer(_untrackedBuffer);
        }
    }
}

/// <summary>Two jobs, <c>INTEROPGUARD=1</c> and <c>INTEROPGUARD=2</c> (the validator started from this repository's
/// build of InteropGuard.Cli, timer sweeps off so that only the consults stop the process), each its own process.</summary>
internal sealed class NestedJobsConfig : ManualConfig
{
    public NestedJobsConfig()
    {
        string options = "validator_interval_ms=0" + (FindValidator() is { } path ? ":validator_path=" + path : "");
        // No forced GC between iterations: each GC drops the cached verdicts, and "once warm" is the state between GCs.
        AddJob(BenchmarkJobs.Base.WithGcForce(false).WithEnvironmentVariables(new EnvironmentVariable("INTEROPGUARD", "1")).WithId("mode1"));
        AddJob(BenchmarkJobs.Base.WithGcForce(false).WithEnvironmentVariables(new EnvironmentVariable("INTEROPGUARD", "2"), new EnvironmentVariable("INTEROPGUARD_OPTIONS", options)).WithId("mode2"));
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Error);
    }

    /// <summary>InteropGuard.Cli.dll of this repository (Release, else Debug); null leaves the validator to its search.</summary>
    private static string? FindValidator()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            foreach (string configuration in new[] { "Release", "Debug" })
            {
                string candidate = Path.Combine(d.FullName, "src", "InteropGuard.Cli", "bin", configuration, "net10.0", "InteropGuard.Cli.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
