// KnownRetainers.cs: the native libraries whose heap blocks the validator does not scan, and why: the one table the validator's scan and the warning's wording both read.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>Libraries known to keep a pointer to memory they no longer use on purpose; their heap blocks are not scanned.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KnownRetainers
{
    /// <summary>File-name prefix of the library, and why its stale pointers are harmless.</summary>
    public static readonly (string Prefix, string Why)[] All =
    [
        ("libzstd.so", "zstd keeps the end of the last input of a compression context (window.nextSrc) between calls and reads it only to continue a streamed frame"),
    ];

    /// <summary>Why blocks of libraries matching <paramref name="prefix"/> are not scanned; null for a prefix not in the table.</summary>
    /// <param name="prefix">A prefix of <see cref="All"/>.</param>
    public static string? Why(string? prefix)
    {
        foreach ((string p, string why) in All)
        {
            if (p == prefix)
            {
                return why;
            }
        }

        return null;
    }
}
