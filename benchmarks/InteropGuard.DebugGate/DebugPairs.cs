// DebugPairs.cs - the fixed set of workloads the Debug gate measures: the release gate's three workloads (the same
// classes, compiled here with full wrappers) and two that pass managed objects; every one needs a budget in
// benchmarks/debug-gate.budget.json and the budget file may name no other.
using System.Collections.Generic;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>The gate's pairs, in the order they run within a round.</summary>
internal static class DebugPairs
{
    // One churn invocation allocates ~0.75 MiB (256 buffers, mean 2.9 KiB); the largest quarantine of a side is the asan
    // side's 256 MiB (InteropGuard's is 64 MiB). 400 invocations a pass, three passes, cycle it four times before the
    // first measured iteration, so every side is measured with its quarantine full and evicting (as churn_loop.c's
    // warm-up does), not while it fills fresh memory.
    private const int ChurnWarmInvocations = 400;

    public static IReadOnlyList<DebugPair> All { get; } =
    [
        new("zlib-small-records", "zlib: crc32 + compress2 + crc32 of 64 native records, 64 B – 4 KiB", Zlib),
        new("sqlite-inserts", "SQLite: 200 inserts into an in-memory table (bind ×3, step, reset per row), rolled back", Sqlite),
        new("native-buffer-churn", "native buffer churn: 256 × (alloc, memset, crc32, free) of 64 B – 16 KiB, 32 live", Churn, AllocatorBound: true, ChurnWarmInvocations),
        new("byte-array-arguments", "crc32 of 64 `byte[]` records, 64 B – 1 KiB, one call per record", ByteArrays),
        new("qsort-delegate-comparer", "libc qsort of a 256-element `int[]` with a delegate comparer", Qsort),
    ];

    private static DebugWorkload Zlib()
    {
        var zlib = new ZlibBenchmarks();
        zlib.Setup();
        return new DebugWorkload(() => zlib.Raw<int>(), () => zlib.Guarded<int>(), zlib.Cleanup);
    }

    private static DebugWorkload Sqlite()
    {
        var sqlite = new SqliteInsertBenchmarks();
        sqlite.Setup();
        return new DebugWorkload(() => sqlite.Raw<int>(), () => sqlite.Guarded<int>(), sqlite.Cleanup);
    }

    private static DebugWorkload Churn()
    {
        var churn = new BufferChurnBenchmarks();
        return new DebugWorkload(() => churn.Raw<int>(), () => churn.Guarded<int>(), churn.Cleanup);
    }

    private static DebugWorkload ByteArrays()
    {
        var records = new ByteArrayArgumentWorkload();
        return new DebugWorkload(() => records.Raw(), () => records.Guarded(), () => { });
    }

    private static DebugWorkload Qsort()
    {
        var sort = new QsortComparerWorkload();
        return new DebugWorkload(() => sort.Raw(), () => sort.Guarded(), () => { });
    }
}
