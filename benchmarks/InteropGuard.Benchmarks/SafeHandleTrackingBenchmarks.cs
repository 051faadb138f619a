// SafeHandleTrackingBenchmarks.cs - the cost of the SafeHandle guards: a GuardedSafeHandle created and disposed against a
// plain SafeHandle, and HandleTracker.RetainedByNative/ReleasedByNative against the DangerousAddRef/DangerousRelease pair
// they wrap, in mode 0 and mode 1.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.Benchmarks;

/// <summary>Handles that close nothing, so only the SafeHandle machinery and the guard are measured.</summary>
[Config(typeof(ModeJobsConfig))]
public class SafeHandleTrackingBenchmarks
{
    private sealed class PlainHandle : SafeHandle
    {
        public PlainHandle() : base(0, true) => SetHandle(1);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle() => true;
    }

    private sealed class TrackedHandle : GuardedSafeHandle
    {
        public TrackedHandle() : base(0, true) => SetHandle(1);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle() => true;
    }

    private readonly PlainHandle _plain = new();
    private readonly TrackedHandle _tracked = new();
    private HandleTracker? _tracker;

    [GlobalSetup]
    public void Setup() => _tracker = Guard.Track(_tracked);

    [Benchmark(Baseline = true, Description = "new SafeHandle + Dispose")]
    public bool CreatePlain()
    {
        var h = new PlainHandle();
        h.Dispose();
        return h.IsClosed;
    }

    [Benchmark(Description = "new GuardedSafeHandle + Dispose")]
    public bool CreateGuarded()
    {
        var h = new TrackedHandle();
        h.Dispose();
        return h.IsClosed;
    }

    [Benchmark(Description = "DangerousAddRef + DangerousRelease")]
    public bool AddRefRelease()
    {
        bool added = false;
        _plain.DangerousAddRef(ref added);
        _plain.DangerousRelease();
        return added;
    }

    [Benchmark(Description = "RetainedByNative + ReleasedByNative")]
    public int RetainRelease()
    {
        _tracker!.RetainedByNative();
        _tracker.ReleasedByNative();
        return _tracker.NativeReferences;
    }
}
