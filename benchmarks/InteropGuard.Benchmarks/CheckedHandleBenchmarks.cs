// CheckedHandleBenchmarks.cs - the cost of a checked GC handle (the cgo.Handle analog) against GCHandle, for the
// whole life of a native user-data cookie: allocate, hand out, resolve once, free.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>Baseline: <c>GCHandle.Alloc</c> + <c>ToIntPtr</c> + <c>FromIntPtr(..).Target</c> + <c>Free</c>.
/// Checked: the same life cycle through <see cref="CheckedHandle"/>.</summary>
[Config(typeof(ModeJobsConfig))]
public class CheckedHandleBenchmarks
{
    private readonly object _target = new();

    [Benchmark(Baseline = true, Description = "GCHandle alloc, resolve, free")]
    public object? GCHandleLifeCycle()
    {
        GCHandle handle = GCHandle.Alloc(_target);
        nint cookie = GCHandle.ToIntPtr(handle);
        object? target = GCHandle.FromIntPtr(cookie).Target;
        handle.Free();
        return target;
    }

    [Benchmark(Description = "CheckedHandle alloc, resolve, free")]
    public object CheckedHandleLifeCycle()
    {
        CheckedHandle handle = CheckedHandle.Alloc(_target);
        nint cookie = handle.ToIntPtr();
        object target = CheckedHandle.FromIntPtr(cookie).Target;
        handle.Free();
        return target;
    }

    [Benchmark(Description = "CheckedHandle resolve only")]
    public object CheckedHandleResolve() => s_resolve.Target;

    private static readonly CheckedHandle s_resolve = CheckedHandle.Alloc(new object());
}
