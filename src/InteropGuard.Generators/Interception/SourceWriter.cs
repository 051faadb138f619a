// SourceWriter.cs: a small indenting text builder for generated C# (netstandard2.0 has no handy equivalent).
using System.Text;

namespace InteropGuard.Generators.Interception;

/// <summary>Appends lines at the current indentation (four spaces per level).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes one line (an empty line has no indentation).</summary>
    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter Open()
    {
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> (plus a suffix such as <c>;</c>).</summary>
    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _text.ToString();
}
