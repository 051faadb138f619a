// GuardedPool.cs: the bounds of the native guarded pool (sample_rate > 0), read once, so managed code can tell a sampled block without a native call.
using System.Runtime.CompilerServices;
using InteropGuard.Native;

namespace InteropGuard.Shadow;

/// <summary>Where the native library's guarded pool lies (docs/design/guarded-pool.md). Read once at first use; empty
/// when the runtime is off, sampling is off or the pool could not be reserved.</summary>
internal static unsafe class GuardedPool
{
    // No explicit static constructor: the type stays beforefieldinit, so Tier-1 code reads the bounds as constants.
    private static readonly ulong s_lo = ReadBound(low: true);
    private static readonly ulong s_hi = ReadBound(low: false);

    /// <summary>True when <paramref name="pointer"/> lies in the pool, i.e. is (or was) a sampled block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Contains(nint pointer) => (ulong)pointer - s_lo < s_hi - s_lo;

    /// <summary>The pool's reservation [Lo, Hi); both 0 when there is none.</summary>
    public static (ulong Lo, ulong Hi) Bounds => (s_lo, s_hi);

    private static ulong ReadBound(bool low)
    {
        if (!GuardRuntime.Enabled)
        {
            return 0;
        }

        ulong lo, hi;
        IgNative.ig_guarded_info(null, &lo, &hi);
        return low ? lo : hi;
    }
}
