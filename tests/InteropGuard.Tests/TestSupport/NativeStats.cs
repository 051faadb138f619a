// NativeStats.cs - reads ig_get_stats through the runtime's own binding (the very copy of libinteropguard.so it
// loaded), for tests that assert no block or range was lost.
using InteropGuard.Native;

namespace InteropGuard.Tests.TestSupport;

internal static class NativeStats
{
    /// <summary>A snapshot of the native statistics.</summary>
    internal static unsafe IgStats Get()
    {
        IgStats stats;
        IgNative.ig_get_stats(&stats);
        return stats;
    }
}
