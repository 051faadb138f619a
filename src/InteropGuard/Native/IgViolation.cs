// IgViolation.cs: the managed mirror of ig_violation_t, a violation found by the native side, as data.
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Mirror of <c>ig_violation_t</c> (136 bytes).
/// <code>
///   offset size field
///   0      4    kind          ig_kind_t
///   4      4    access_site   0 if unknown
///   8      8    address
///   16     8    size          0 for frees
///   24     8    detail        first damaged canary offset past the end
///   32     4    has_range
///   36     4    reserved
///   40     96   range         ig_range_t snapshot
///   136         (sizeof)
/// </code></summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IgViolation
{
    public uint Kind;
    public uint AccessSite;
    public ulong Address;
    public ulong Size;
    public ulong Detail;
    public uint HasRange;
    public uint Reserved;
    public IgRange Range;

    public const int ExpectedSize = 136;
}
