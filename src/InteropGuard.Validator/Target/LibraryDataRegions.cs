// LibraryDataRegions.cs: finds the writable data (.data/.bss) of the native libraries a program loaded itself, from /proc/<pid>/maps, read once per sweep.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace InteropGuard.Validator.Target;

/// <summary>A writable data range of a native library: a file-backed <c>rw</c> mapping, or the anonymous mapping
/// right after it (.bss).</summary>
internal readonly record struct LibraryData(ulong Start, ulong End, string Path);

/// <summary>Which library data a sweep scans as roots. Skipped: the runtime's own libraries (everything in the
/// directory of libcoreclr.so, and libhostfxr), libinteropguard.so, and system libraries that never hold pointers a
/// program handed them on purpose (libc and friends, ICU, OpenSSL, LTTng).</summary>
internal static class LibraryDataRegions
{
    private static readonly string[] s_skippedPrefixes =
    [
        "libc.so", "libc-", "libm.so", "libm-", "libstdc++", "libgcc_s", "ld-linux", "ld-musl", "libicu", "libssl",
        "libcrypto", "liblttng", "libdl.so", "libdl-", "libpthread", "librt.so", "librt-", "libinteropguard.so",
        "libhostfxr.so", "libz.so", "libnuma", "libunwind", "libgssapi", "libkrb5",
    ];

    /// <summary>Parses <c>/proc/&lt;pid&gt;/maps</c>; an empty list when it cannot be read.</summary>
    public static List<LibraryData> Find(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new List<LibraryData>();
        }

        return Parse(lines);
    }

    /// <summary>The scan list of a maps file's lines.</summary>
    public static List<LibraryData> Parse(IReadOnlyList<string> lines)
    {
        var mappings = new List<(ulong Start, ulong End, string Perms, string Path)>(lines.Count);
        string? runtimeDirectory = null;
        foreach (string line in lines)
        {
            if (!TryParseLine(line, out ulong start, out ulong end, out string perms, out string path))
            {
                continue;
            }

            mappings.Add((start, end, perms, path));
            if (path.EndsWith("/libcoreclr.so", StringComparison.Ordinal))
            {
                runtimeDirectory = System.IO.Path.GetDirectoryName(path);
            }
        }

        var result = new List<LibraryData>();
        for (int i = 0; i < mappings.Count; i++)
        {
            var m = mappings[i];
            if (!m.Perms.StartsWith("rw", StringComparison.Ordinal) || !IsScannedLibrary(m.Path, runtimeDirectory))
            {
                continue;
            }

            result.Add(new LibraryData(m.Start, m.End, m.Path));
            if (i + 1 < mappings.Count)
            {
                var next = mappings[i + 1];
                if (next.Path.Length == 0 && next.Start == m.End && next.Perms.StartsWith("rw", StringComparison.Ordinal))
                {
                    result.Add(new LibraryData(next.Start, next.End, m.Path)); // .bss past the file's last page
                }
            }
        }

        return result;
    }

    private static bool IsScannedLibrary(string path, string? runtimeDirectory)
    {
        if (path.Length == 0 || path[0] != '/' || !path.Contains(".so", StringComparison.Ordinal))
        {
            return false; // anonymous, [heap], [stack], or not a shared library (the dotnet host, managed images)
        }

        if (runtimeDirectory is not null && string.Equals(System.IO.Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal))
        {
            return false;
        }

        string name = System.IO.Path.GetFileName(path);
        foreach (string prefix in s_skippedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseLine(string line, out ulong start, out ulong end, out string perms, out string path)
    {
        start = end = 0;
        perms = path = "";
        // 7f12a000-7f12b000 rw-p 00003000 08:01 1234   /usr/lib/libfoo.so
        string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5)
        {
            return false;
        }

        int dash = parts[0].IndexOf('-');
        if (dash <= 0 ||
            !ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out start) ||
            !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out end) ||
            end <= start)
        {
            return false;
        }

        perms = parts[1];
        path = parts.Length == 6 ? parts[5].Trim() : "";
        if (path.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            path = path[..^" (deleted)".Length];
        }

        return true;
    }
}
