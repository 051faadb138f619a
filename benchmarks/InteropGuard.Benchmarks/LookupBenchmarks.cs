// LookupBenchmarks.cs - the shadow table's interior-address lookup (ig_lookup, ig_check) as the table grows from
// 10^2 to 10^6 live ranges, for addresses inside a range (hits) and in the gaps between ranges (misses).
using System;
using BenchmarkDotNet.Attributes;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>
/// Ranges are disjoint fake addresses (<see cref="FakeRanges"/>), sparse (one per 4 KiB) or dense (64 per 4 KiB). Each invocation looks up <see cref="Ops"/>
/// addresses from a shuffled array (random ranges, so caches help as much as they would in a real program);
/// "hot" repeats 16 addresses (the table's algorithmic cost with warm caches). The calls skip the GC transition
/// (<c>SuppressGCTransition</c>) so the figure is the lookup itself, as in Guard.Check's fast path;
/// "with transition" shows a plain P/Invoke for comparison.
/// </summary>
[Config(typeof(SingleJobConfig))]
public unsafe class LookupBenchmarks
{
    private const int Ops = 4096;

    private ulong[] _hits = [];
    private ulong[] _misses = [];

    [Params(100, 10_000, 1_000_000)]
    public int LiveRanges { get; set; }

    [Params(RangeLayout.Sparse, RangeLayout.Dense)]
    public RangeLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        IgNative.Init(null, 0);
        FakeRanges.Register(LiveRanges, Layout);
        ulong stride = FakeRanges.Stride(Layout);
        ulong size = FakeRanges.Size(Layout);
        var random = new Random(42);
        _hits = new ulong[Ops];
        _misses = new ulong[Ops];
        for (int i = 0; i < Ops; i++)
        {
            ulong start = FakeRanges.Base + (ulong)random.Next(LiveRanges) * stride;
            _hits[i] = start + (ulong)random.Next((int)size - 16);
            _misses[i] = start + size + (ulong)random.Next((int)(stride - size - 16));
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "ig_lookup hit")]
    public int LookupHit()
    {
        IgRange range;
        int found = 0;
        foreach (ulong address in _hits)
            found += IgNative.LookupNoTransition((void*)address, 16, &range);
        return found;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "ig_lookup hit, hot (16 addresses)")]
    public int LookupHitHot()
    {
        IgRange range;
        int found = 0;
        for (int i = 0; i < Ops; i++)
            found += IgNative.LookupNoTransition((void*)_hits[i & 15], 16, &range);
        return found;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "ig_lookup miss (gap)")]
    public int LookupMiss()
    {
        IgRange range;
        int found = 0;
        foreach (ulong address in _misses)
            found += IgNative.LookupNoTransition((void*)address, 16, &range);
        return found;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "ig_check hit")]
    public uint CheckHit()
    {
        IgViolation violation;
        uint kinds = 0;
        foreach (ulong address in _hits)
            kinds += IgNative.CheckNoTransition((void*)address, 16, &violation);
        return kinds;
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "ig_lookup hit, with transition")]
    public int LookupHitWithTransition()
    {
        IgRange range;
        int found = 0;
        foreach (ulong address in _hits)
            found += IgNative.Lookup((void*)address, 16, &range);
        return found;
    }
}
