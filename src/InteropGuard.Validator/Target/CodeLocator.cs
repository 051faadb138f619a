// CodeLocator.cs: turns a code address of the target (an allocation's caller) into library + offset and, where the file has symbols, the function, from /proc/<pid>/maps read once per sweep.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace InteropGuard.Validator.Target;

/// <summary>Where a code address of the target lies: its library file, the offset from the library's load base, and
/// the function when the file's symbols name one.</summary>
internal readonly record struct CodeLocation(string Library, ulong Offset, string? Function)
{
    /// <summary>"sqlite3MemMalloc+0x14 (libsqlite3.so.0+0x1a2b4)" or "libsqlite3.so.0+0x1a2b4".</summary>
    public override string ToString()
    {
        string where = Path.GetFileName(Library) + "+0x" + Offset.ToString("x", CultureInfo.InvariantCulture);
        return Function is null ? where : Function + " (" + where + ")";
    }
}

/// <summary>The executable mappings of the target by address, with each library's load base.</summary>
internal sealed class CodeLocator
{
    private readonly List<(ulong Start, ulong End, string Path, ulong Base)> _code = new();

    private CodeLocator()
    {
    }

    /// <summary>Reads <c>/proc/&lt;pid&gt;/maps</c>; a locator that knows nothing when it cannot be read.</summary>
    public static CodeLocator Read(int pid)
    {
        var locator = new CodeLocator();
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return locator;
        }

        var bases = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var exec = new List<(ulong, ulong, string)>();
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || parts[5].Length == 0 || parts[5][0] != '/')
            {
                continue;
            }

            int dash = parts[0].IndexOf('-');
            if (dash <= 0 || !ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start) ||
                !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end) ||
                !ulong.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong offset))
            {
                continue;
            }

            string path = parts[5].Trim();
            if (offset == 0 && (!bases.TryGetValue(path, out ulong known) || start < known))
            {
                bases[path] = start;
            }

            if (parts[1].Length >= 3 && parts[1][2] == 'x')
            {
                exec.Add((start, end, path));
            }
        }

        foreach (var (start, end, path) in exec)
        {
            locator._code.Add((start, end, path, bases.TryGetValue(path, out ulong b) ? b : start));
        }

        return locator;
    }

    /// <summary>The location of <paramref name="address"/>; false when no mapped library file holds it.</summary>
    public bool TryLocate(ulong address, out CodeLocation location)
    {
        foreach (var (start, end, path, loadBase) in _code)
        {
            if (address >= start && address < end)
            {
                ulong offset = address - loadBase;
                // The caller is a return address: the call instruction ends there, so name the byte before it.
                location = new CodeLocation(path, offset, ElfSymbols.For(path).Name(offset - 1) is string f ? Adjust(f) : null);
                return true;
            }
        }

        location = default;
        return false;
    }

    /// <summary>The symbol was looked up at the call instruction (offset - 1); report the return address's offset.</summary>
    private static string Adjust(string function)
    {
        int plus = function.LastIndexOf("+0x", StringComparison.Ordinal);
        if (plus < 0)
        {
            return function + "+0x1";
        }

        ulong off = ulong.Parse(function.AsSpan(plus + 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 1;
        return function[..plus] + "+0x" + off.ToString("x", CultureInfo.InvariantCulture);
    }
}
