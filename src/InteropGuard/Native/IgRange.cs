// IgRange.cs: the managed mirror of ig_range_t, one record of the shadow table (layout asserted by NativeLayout).
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Mirror of <c>ig_range_t</c> (96 bytes).
/// <code>
///   offset size field
///   0      8    id             slot index | (generation &lt;&lt; 32); 0 is never valid
///   8      8    start          first user byte
///   16     8    size           user bytes
///   24     8    alloc_seq
///   32     8    release_seq    0 while live
///   40     8    alloc_time_ns  CLOCK_MONOTONIC
///   48     8    release_time_ns 0 while live
///   56     8    user_tag       GCHandle of the pinned object or delegate; 0 if none
///   64     4    kind           ig_range_kind_t
///   68     4    state          ig_range_state_t
///   72     4    flags          IG_RANGE_F_*
///   76     4    alloc_site
///   80     4    release_site
///   84     4    alloc_tid      OS tid
///   88     4    release_tid    OS tid
///   92     2    redzone_left
///   94     2    redzone_right
///   96          (sizeof)
/// </code></summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IgRange
{
    public ulong Id;
    public ulong Start;
    public ulong Size;
    public ulong AllocSeq;
    public ulong ReleaseSeq;
    public ulong AllocTimeNs;
    public ulong ReleaseTimeNs;
    public ulong UserTag;
    public uint Kind;
    public uint State;
    public uint Flags;
    public uint AllocSite;
    public uint ReleaseSite;
    public uint AllocTid;
    public uint ReleaseTid;
    public ushort RedzoneLeft;
    public ushort RedzoneRight;

    public const int ExpectedSize = 96;
}
