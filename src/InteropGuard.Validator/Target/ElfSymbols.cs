// ElfSymbols.cs: names the function around an offset of a native library from the symbol table of its file (.symtab when the file has one, else .dynsym); read once per file.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace InteropGuard.Validator.Target;

/// <summary>Function symbols of a 64-bit little-endian ELF file, for "allocated at libsqlite3.so.0 (sqlite3MemMalloc+0x14)".
/// A stripped library has only its exported functions (.dynsym): an offset inside a static function is then named by
/// no symbol rather than by the wrong one, because a symbol is used only when the offset lies inside its size.</summary>
internal sealed class ElfSymbols
{
    private const long MaxFileBytes = 1L << 31;
    private static readonly Dictionary<string, ElfSymbols> s_cache = new(StringComparer.Ordinal);

    private readonly ulong[] _starts;
    private readonly ulong[] _sizes;
    private readonly string[] _names;

    private ElfSymbols(List<(ulong Start, ulong Size, string Name)> symbols)
    {
        symbols.Sort((a, b) => a.Start.CompareTo(b.Start));
        _starts = new ulong[symbols.Count];
        _sizes = new ulong[symbols.Count];
        _names = new string[symbols.Count];
        for (int i = 0; i < symbols.Count; i++)
        {
            (_starts[i], _sizes[i], _names[i]) = symbols[i];
        }
    }

    /// <summary>The symbols of the file at <paramref name="path"/> (none when it cannot be read).</summary>
    public static ElfSymbols For(string path)
    {
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(path, out ElfSymbols? symbols))
            {
                symbols = new ElfSymbols(Read(path));
                s_cache[path] = symbols;
            }

            return symbols;
        }
    }

    /// <summary>"name+0x1c" for the function containing <paramref name="vaddr"/>; null when none does.</summary>
    public string? Name(ulong vaddr)
    {
        int i = Array.BinarySearch(_starts, vaddr);
        if (i < 0)
        {
            i = ~i - 1;
        }

        for (; i >= 0 && i < _starts.Length && _starts[i] <= vaddr; i--)
        {
            if (vaddr < _starts[i] + Math.Max(_sizes[i], 1))
            {
                ulong off = vaddr - _starts[i];
                return off == 0 ? _names[i] : _names[i] + "+0x" + off.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            }

            if (_starts[i] + 0x100000 < vaddr)
            {
                break; // no function is that long: stop looking back
            }
        }

        return null;
    }

    private static List<(ulong, ulong, string)> Read(string path)
    {
        var result = new List<(ulong, ulong, string)>();
        try
        {
            byte[] file = File.ReadAllBytes(path);
            if (file.LongLength > MaxFileBytes || file.Length < 64 || file[0] != 0x7F || file[1] != (byte)'E' || file[4] != 2 || file[5] != 1)
            {
                return result;
            }

            ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(0x28));
            int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(0x3A));
            int shnum = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(0x3C));
            if (shentsize < 64 || shnum == 0 || shoff + (ulong)(shentsize * shnum) > (ulong)file.Length)
            {
                return result;
            }

            int chosen = -1;
            for (int want = 2 /* SHT_SYMTAB */; want != 0; want = want == 2 ? 11 /* SHT_DYNSYM */ : 0)
            {
                for (int i = 0; i < shnum && chosen < 0; i++)
                {
                    if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)shoff + i * shentsize + 4)) == (uint)want)
                    {
                        chosen = i;
                    }
                }

                if (chosen >= 0)
                {
                    break;
                }
            }

            if (chosen < 0)
            {
                return result;
            }

            ReadOnlySpan<byte> sh = file.AsSpan((int)shoff + chosen * shentsize, shentsize);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x20..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            if (link >= shnum || offset + size > (ulong)file.Length)
            {
                return result;
            }

            ReadOnlySpan<byte> strHeader = file.AsSpan((int)shoff + link * shentsize, shentsize);
            ulong strOffset = BinaryPrimitives.ReadUInt64LittleEndian(strHeader[0x18..]);
            ulong strSize = BinaryPrimitives.ReadUInt64LittleEndian(strHeader[0x20..]);
            if (strOffset + strSize > (ulong)file.Length)
            {
                return result;
            }

            ReadOnlySpan<byte> strings = file.AsSpan((int)strOffset, (int)strSize);
            for (ulong at = offset; at + 24 <= offset + size; at += 24)
            {
                ReadOnlySpan<byte> sym = file.AsSpan((int)at, 24);
                uint name = BinaryPrimitives.ReadUInt32LittleEndian(sym);
                byte info = sym[4];
                ushort section = BinaryPrimitives.ReadUInt16LittleEndian(sym[6..]);
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(sym[8..]);
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(sym[16..]);
                if ((info & 0xF) != 2 /* STT_FUNC */ || section == 0 || value == 0 || name >= strings.Length)
                {
                    continue;
                }

                int end = strings[(int)name..].IndexOf((byte)0);
                if (end > 0)
                {
                    result.Add((value, length, Encoding.UTF8.GetString(strings.Slice((int)name, end))));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            result.Clear();
        }

        return result;
    }
}
