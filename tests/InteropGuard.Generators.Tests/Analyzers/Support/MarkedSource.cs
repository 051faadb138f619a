// MarkedSource.cs: parses test sources whose expected diagnostics are marked inline ([|...|] or {|IG1005:...|}); used by AnalyzerVerifier.
using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace InteropGuard.Generators.Tests.Analyzers.Support;

/// <summary>A test source with its markers removed, and the diagnostics the markers expect. <c>[|code|]</c> expects
/// the analyzer's default id on exactly <c>code</c>; <c>{|IG1005:code|}</c> names the id. Markers may nest.</summary>
internal sealed class MarkedSource
{
    private MarkedSource(string text, IReadOnlyList<(string? Id, TextSpan Span)> expected)
    {
        Text = text;
        Expected = expected;
    }

    /// <summary>The source without markers.</summary>
    public string Text { get; }

    /// <summary>Expected diagnostics: id (null = the analyzer's default id) and span in <see cref="Text"/>.</summary>
    public IReadOnlyList<(string? Id, TextSpan Span)> Expected { get; }

    public static MarkedSource Parse(string marked)
    {
        var text = new StringBuilder(marked.Length);
        var open = new Stack<(string? Id, int Start)>();
        var expected = new List<(string? Id, TextSpan Span)>();
        for (int i = 0; i < marked.Length; i++)
        {
            if (At(marked, i, "[|"))
            {
                open.Push((null, text.Length));
                i++;
            }
            else if (At(marked, i, "{|"))
            {
                int colon = marked.IndexOf(':', i);
                if (colon < 0)
                    throw new FormatException("A '{|' marker needs an id and a colon: {|IG1005:code|}.");
                open.Push((marked.Substring(i + 2, colon - i - 2), text.Length));
                i = colon;
            }
            else if (At(marked, i, "|]") || At(marked, i, "|}"))
            {
                if (open.Count == 0)
                    throw new FormatException($"Marker end at offset {i} has no start.");
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(marked[i]);
            }
        }

        if (open.Count != 0)
            throw new FormatException("A marker is not closed.");
        return new MarkedSource(text.ToString(), expected);
    }

    private static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;
}
