// GatePairs.cs - the fixed set of pairs the gate measures: every pair needs a budget in
// benchmarks/bench-gate.budget.json and the budget file may name no other pair.
using System.Collections.Generic;

namespace InteropGuard.BenchGate;

/// <summary>The gate's pairs, in the order they run within a round.</summary>
internal static class GatePairs
{
    public static IReadOnlyList<GatePair> All { get; } =
    [
        new("trivial-call-pointer", "trivial P/Invoke, one pointer argument (`ig_test_sum(p, 0)`)", typeof(TrivialPointerBenchmarks), OverheadUnit.Nanoseconds),
        new("trivial-call-no-pointer", "trivial P/Invoke, no argument (`ig_test_reset()`)", typeof(TrivialNoArgumentBenchmarks), OverheadUnit.Nanoseconds),
        new("zlib-small-records", "zlib: crc32 + compress2 + crc32 of 64 records, 64 B – 4 KiB", typeof(ZlibBenchmarks), OverheadUnit.Percent),
        new("sqlite-inserts", "SQLite: 200 inserts into an in-memory table (bind ×3, step, reset per row), rolled back", typeof(SqliteInsertBenchmarks), OverheadUnit.Percent),
        new("native-buffer-churn", "native buffer churn: 256 × (alloc, memset, crc32, free) of 64 B – 16 KiB, 32 live", typeof(BufferChurnBenchmarks), OverheadUnit.Percent),
    ];
}
