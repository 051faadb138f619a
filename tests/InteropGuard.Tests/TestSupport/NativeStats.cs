// NativeStats.cs - reads ig_get_stats from libinteropguard.so (the same loaded copy the runtime uses), for
// tests that assert no block or range was lost.
using System.Runtime.InteropServices;

namespace InteropGuard.Tests.TestSupport;

/// <summary>Mirror of ig_stats_t (native/include/interopguard.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IgStatsMirror
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
}

internal static partial class NativeStats
{
    /// <summary>A snapshot of the native statistics.</summary>
    internal static IgStatsMirror Get()
    {
        GetStats(out IgStatsMirror stats);
        return stats;
    }

    [LibraryImport("interopguard", EntryPoint = "ig_get_stats")]
    private static partial void GetStats(out IgStatsMirror stats);
}
