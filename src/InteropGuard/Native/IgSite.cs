// IgSite.cs: the managed mirror of ig_site_t, an interned source site.
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Mirror of <c>ig_site_t</c> (256 bytes).
/// <code>
///   offset size field
///   0      4    id
///   4      4    line
///   8      120  function   NUL-terminated, truncated
///   128    128  file       NUL-terminated, tail of the path
///   256         (sizeof)
/// </code></summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IgSite
{
    public uint Id;
    public uint Line;
    public fixed byte Function[120];
    public fixed byte File[128];

    public const int ExpectedSize = 256;
}
