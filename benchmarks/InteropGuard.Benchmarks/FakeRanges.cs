// FakeRanges.cs - fills the shadow table with disjoint ranges at made-up addresses, so lookups run against a
// table of a given size. The addresses are never dereferenced (the library promises not to touch them).
using System;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>How the fake ranges are laid out.</summary>
public enum RangeLayout
{
    /// <summary>256-byte ranges 4 KiB apart: one range per 4 KiB index bin.</summary>
    Sparse,

    /// <summary>32-byte ranges 64 bytes apart: 64 ranges per 4 KiB bin, like packed small malloc blocks.</summary>
    Dense,
}

internal static unsafe class FakeRanges
{
    /// <summary>First fake address: far above anything the process maps on x64 Linux, below the 47-bit limit.</summary>
    public const ulong Base = 0x5000_0000_0000;

    /// <summary>Distance between range starts.</summary>
    public static ulong Stride(RangeLayout layout) => layout == RangeLayout.Dense ? 64UL : 4096UL;

    /// <summary>Bytes per range; [start + Size, start + Stride) is a gap no range covers.</summary>
    public static ulong Size(RangeLayout layout) => layout == RangeLayout.Dense ? 32UL : 256UL;

    /// <summary>Registers <paramref name="count"/> ranges of kind NATIVE_REGION at Base + i * Stride.</summary>
    public static void Register(int count, RangeLayout layout = RangeLayout.Sparse)
    {
        ulong stride = Stride(layout);
        ulong size = Size(layout);
        for (int i = 0; i < count; i++)
        {
            ulong id;
            int status = IgNative.RangeRegister(IgNative.RangeNativeRegion, (void*)(Base + (ulong)i * stride), (nuint)size,
                0, 0, 0, &id);
            if (status != 0)
                throw new InvalidOperationException($"ig_range_register failed with status {status} at range {i}.");
        }
    }
}
