// ValidatorLineReader.cs: reads the validator's stdout as UTF-8 lines with a length cap; runs on the validator reader thread.
using System;
using System.Buffers;
using System.IO;
using System.Text;

namespace InteropGuard.Validation;

/// <summary>Splits a byte stream into lines at <c>\n</c> (a trailing <c>\r</c> is dropped). A line longer than
/// <see cref="MaxLineBytes"/> is skipped whole and returned as <see cref="Overlong"/>, so a runaway child cannot make
/// the target allocate without bound. Not thread-safe (one reader thread).</summary>
internal sealed class ValidatorLineReader
{
    /// <summary>The longest line kept (1 MiB; findings are under 2 KiB).</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>What <see cref="ReadLine"/> returns for a line past the cap (never valid JSON, so it counts as garbage).</summary>
    public const string Overlong = "\u0000(line longer than 1 MiB, skipped)";

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private int _start;
    private int _end;
    private bool _overlong;

    public ValidatorLineReader(Stream stream) => _stream = stream;

    /// <summary>The next line; null at the end of the stream (a last line without <c>\n</c> is returned first).
    /// Throws what the stream throws.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = _stream.Read(_buffer, 0, _buffer.Length);
                if (_end <= 0)
                {
                    _end = 0;
                    return _line.WrittenCount > 0 || _overlong ? Take() : null;
                }
            }

            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            Append(_buffer.AsSpan(_start, stop - _start));
            if (newline < 0)
            {
                _start = _end;
                continue;
            }

            _start = newline + 1;
            return Take();
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_overlong || bytes.IsEmpty)
        {
            return;
        }

        if (_line.WrittenCount + bytes.Length > MaxLineBytes)
        {
            _overlong = true;
            _line.Clear();
            return;
        }

        _line.Write(bytes);
    }

    private string Take()
    {
        string text;
        if (_overlong)
        {
            text = Overlong;
        }
        else
        {
            ReadOnlySpan<byte> bytes = _line.WrittenSpan;
            if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            text = Encoding.UTF8.GetString(bytes);
        }

        _overlong = false;
        _line.Clear();
        return text;
    }
}
