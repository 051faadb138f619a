// IgStats.cs: the managed mirror of ig_stats_t (allocator and table counters).
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Mirror of <c>ig_stats_t</c> (nine 64-bit counters, 72 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IgStats
{
    public ulong LiveBlocks;
    public ulong LiveBlockBytes;
    public ulong QuarantineBlocks;
    public ulong QuarantineBytes;
    public ulong LiveRanges;
    public ulong ReleasedRanges;
    public ulong TotalAllocs;
    public ulong TotalFrees;
    public ulong Reports;

    public const int ExpectedSize = 72;
}
