// IgTableHeader.cs: the managed mirror of ig_table_header_t; used to check the ABI and read sites without a call.
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Mirror of <c>ig_table_header_t</c> (256 bytes; see interopguard.h for the offsets).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IgTableHeader
{
    public fixed byte Magic[8];
    public uint Version;
    public uint HeaderSize;
    public uint RangeSize;
    public uint SiteSize;
    public ulong RangesPerChunk;
    public ulong MaxChunks;
    public ulong ChunkCount;
    public ulong Chunks;
    public ulong Sites;
    public ulong SiteCapacity;
    public ulong SiteCount;
    public ulong Seq;
    public ulong LiveRanges;
    public ulong QuarantineBytes;
    public ulong Pid;
    public ulong CanaryByte;
    public ulong FillFlags;
    public ulong FillSize;
    public ulong NativeHeap;
    public ulong CallRegions;
    public uint CallRegionSize;
    public uint CallPinSize;
    public ulong SlotLimit;
    public ulong PinLogs;
    public uint PinLogSize;
    public uint PinLogSlots;
    public fixed ulong Reserved[9];

    public const int ExpectedSize = 256;
}
