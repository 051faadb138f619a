// LibraryDataRegions.cs: finds the writable data (.data/.bss) of the native libraries a program loaded itself, from /proc/<pid>/maps, read once per sweep.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace InteropGuard.Validator.Target;

/// <summary>A writable data range of a native library: a file-backed <c>rw</c> mapping, or the anonymous mapping
/// right after it (.bss).</summary>
internal readonly record struct LibraryData(ulong Start, ulong End, string Path);

/// <summary>Which library data a sweep scans as roots (the writable PT_LOAD segments: .data, .bss). Skipped: the runtime's own libraries (everything in the
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

    /// <summary>The scan list of a maps file's lines. The writable PT_LOAD segments of each library's ELF program
    /// headers, relocated by its load base, give .data and .bss exactly; an anonymous mapping that merely follows a
    /// library is not taken for its .bss (the runtime maps its own tables there: measured false findings). When the
    /// file cannot be read, only its file-backed rw mappings are scanned.</summary>
    public static List<LibraryData> Parse(IReadOnlyList<string> lines)
    {
        var mappings = new List<(ulong Start, ulong End, string Perms, ulong Offset, string Path)>(lines.Count);
        string? runtimeDirectory = null;
        foreach (string line in lines)
        {
            if (!TryParseLine(line, out ulong start, out ulong end, out string perms, out ulong offset, out string path))
            {
                continue;
            }

            mappings.Add((start, end, perms, offset, path));
            if (path.EndsWith("/libcoreclr.so", StringComparison.Ordinal))
            {
                runtimeDirectory = System.IO.Path.GetDirectoryName(path);
            }
        }

        var result = new List<LibraryData>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in mappings)
        {
            if (!m.Perms.StartsWith("rw", StringComparison.Ordinal) || !IsScannedLibrary(m.Path, runtimeDirectory) || !done.Add(m.Path))
            {
                continue;
            }

            ulong loadBase = ulong.MaxValue;
            foreach (var other in mappings)
            {
                if (other.Offset == 0 && other.Path == m.Path)
                {
                    loadBase = Math.Min(loadBase, other.Start);
                }
            }

            List<(ulong Vaddr, ulong MemSize)>? segments = loadBase == ulong.MaxValue ? null : ElfWritableSegments(m.Path, out _);
            if (segments is null || segments.Count == 0)
            {
                foreach (var rw in mappings)
                {
                    if (rw.Path == m.Path && rw.Perms.StartsWith("rw", StringComparison.Ordinal))
                    {
                        result.Add(new LibraryData(rw.Start, rw.End, m.Path));
                    }
                }

                continue;
            }

            ulong bias = loadBase - (ElfFirstVaddr(m.Path) & ~0xFFFUL);
            foreach (var (vaddr, size) in segments)
            {
                result.Add(new LibraryData(bias + vaddr, bias + vaddr + size, m.Path));
            }
        }

        return result;
    }

    private static readonly Dictionary<string, (List<(ulong, ulong)> Segments, ulong FirstVaddr)> s_elfCache = new(StringComparer.Ordinal);

    private static ulong ElfFirstVaddr(string path)
    {
        lock (s_elfCache)
        {
            return s_elfCache.TryGetValue(path, out var entry) ? entry.FirstVaddr : 0;
        }
    }

    /// <summary>The writable PT_LOAD segments (vaddr, memsz) of a 64-bit little-endian ELF file; null if unreadable.</summary>
    private static List<(ulong Vaddr, ulong MemSize)>? ElfWritableSegments(string path, out ulong firstVaddr)
    {
        lock (s_elfCache)
        {
            if (s_elfCache.TryGetValue(path, out var cached))
            {
                firstVaddr = cached.FirstVaddr;
                return cached.Segments;
            }
        }

        firstVaddr = 0;
        List<(ulong, ulong)>? segments = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> ident = stackalloc byte[64];
            if (file.Read(ident) == 64 && ident[0] == 0x7F && ident[1] == (byte)'E' && ident[2] == (byte)'L' && ident[3] == (byte)'F' &&
                ident[4] == 2 /* 64-bit */ && ident[5] == 1 /* little-endian */)
            {
                ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(ident[0x20..]);
                int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(ident[0x36..]);
                int phnum = BinaryPrimitives.ReadUInt16LittleEndian(ident[0x38..]);
                if (phentsize >= 56 && phnum is > 0 and <= 256 && phoff < (ulong)file.Length)
                {
                    var table = new byte[phentsize * phnum];
                    file.Position = (long)phoff;
                    if (file.Read(table) == table.Length)
                    {
                        segments = new List<(ulong, ulong)>();
                        bool first = true;
                        for (int i = 0; i < phnum; i++)
                        {
                            ReadOnlySpan<byte> ph = table.AsSpan(i * phentsize, phentsize);
                            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
                            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]);
                            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]);
                            ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
                            if (type != 1 /* PT_LOAD */)
                            {
                                continue;
                            }

                            if (first)
                            {
                                firstVaddr = vaddr;
                                first = false;
                            }

                            if ((flags & 2) != 0 /* PF_W */ && memsz is > 0 and < 1UL << 32)
                            {
                                segments.Add((vaddr, memsz));
                            }
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            segments = null;
        }

        lock (s_elfCache)
        {
            if (segments is not null)
            {
                s_elfCache[path] = (segments, firstVaddr);
            }
        }

        return segments;
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

    private static bool TryParseLine(string line, out ulong start, out ulong end, out string perms, out ulong offset, out string path)
    {
        start = end = offset = 0;
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
        ulong.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out offset);
        path = parts.Length == 6 ? parts[5].Trim() : "";
        if (path.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            path = path[..^" (deleted)".Length];
        }

        return true;
    }
}
