// CallbackBenchmarks.cs - the cost of Guard.Callback: creating and releasing a GuardedCallback against marshalling a delegate
// and holding it with a GCHandle, and a call through the function pointer (the wrapper's released-flag test) against a
// call through the plain delegate's stub, in mode 0 and mode 1.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>A callback of the shape native libraries take (an int in, an int out).</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
public delegate int BenchCallback(int x);

/// <summary>Create + release: a fresh delegate marshalled to a stub (the baseline's GetFunctionPointerForDelegate and a
/// strong GCHandle is what a careful program does) vs <c>Guard.Callback</c> + <c>Release()</c> (mode 1 adds a wrapper
/// delegate, its stub, a CALLBACK range and the quarantine). Call: the unmanaged function pointer called from managed code,
/// a full reverse-P/Invoke round trip each time, through the plain stub vs the GuardedCallback's.</summary>
[Config(typeof(ModeJobsConfig))]
public unsafe class CallbackBenchmarks
{
    private static int Twice(int x) => x * 2;

    private readonly BenchCallback _plain = Twice;
    private nint _plainPointer;
    private GuardedCallback<BenchCallback>? _guarded;

    [GlobalSetup]
    public void Setup()
    {
        _plainPointer = Marshal.GetFunctionPointerForDelegate(_plain);
        _guarded = Guard.Callback<BenchCallback>(Twice);
    }

    [GlobalCleanup]
    public void Cleanup() => _guarded?.Release();

    [Benchmark(Baseline = true, Description = "new delegate + GetFunctionPointerForDelegate + GCHandle alloc/free")]
    public nint CreatePlain()
    {
        var callback = new BenchCallback(Twice);
        nint p = Marshal.GetFunctionPointerForDelegate(callback);
        GCHandle keep = GCHandle.Alloc(callback);
        keep.Free();
        return p;
    }

    [Benchmark(Description = "Guard.Callback + Release()")]
    public nint CreateGuarded()
    {
        GuardedCallback<BenchCallback> callback = Guard.Callback(new BenchCallback(Twice)); // a fresh delegate, as the baseline
        nint p = callback.Pointer;
        callback.Release();
        return p;
    }

    [Benchmark(Description = "call through the plain stub")]
    public int CallPlain() => ((delegate* unmanaged[Cdecl]<int, int>)_plainPointer)(21);

    [Benchmark(Description = "call through the GuardedCallback's stub")]
    public int CallGuarded() => ((delegate* unmanaged[Cdecl]<int, int>)_guarded!.Pointer)(21);
}
