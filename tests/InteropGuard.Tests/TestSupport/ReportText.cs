// ReportText.cs - splits stderr (or Violation.ToString()) into the framed text reports the runtime prints,
// so golden tests can address the headline, the location line, the HINT lines and the SUMMARY line.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace InteropGuard.Tests.TestSupport;

/// <summary>One framed report: the lines between two lines of 65 '='.</summary>
internal sealed class ReportText
{
    /// <summary>The frame line that opens and closes every report.</summary>
    internal static readonly string Frame = new('=', 65);

    private ReportText(IReadOnlyList<string> lines) => Lines = lines;

    /// <summary>The lines inside the frame.</summary>
    internal IReadOnlyList<string> Lines { get; }

    /// <summary>"ERROR: InteropGuard: kind on address 0x.. [IGnnnn]".</summary>
    internal string Headline => Lines.Count > 0 ? Lines[0] : "";

    /// <summary>The line after the headline: where the address lies relative to the range.</summary>
    internal string Location => Lines.Count > 1 ? Lines[1] : "";

    /// <summary>The SUMMARY line ("" when there is none).</summary>
    internal string Summary => Lines.LastOrDefault(l => l.StartsWith("SUMMARY: ", StringComparison.Ordinal)) ?? "";

    /// <summary>Every "HINT: " line.</summary>
    internal IReadOnlyList<string> Hints => Lines.Where(l => l.StartsWith("HINT: ", StringComparison.Ordinal)).ToList();

    /// <summary>The line after <paramref name="heading"/> ("" when the heading is missing).</summary>
    internal string After(string heading)
    {
        for (int i = 0; i + 1 < Lines.Count; i++)
        {
            if (Lines[i] == heading) return Lines[i + 1];
        }
        return "";
    }

    /// <summary>Every framed report in <paramref name="text"/>, in order.</summary>
    internal static IReadOnlyList<ReportText> Parse(string text)
    {
        var reports = new List<ReportText>();
        List<string>? current = null;
        foreach (string raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw == Frame)
            {
                if (current == null)
                {
                    current = [];
                }
                else
                {
                    reports.Add(new ReportText(current));
                    current = null;
                }
            }
            else
            {
                current?.Add(raw);
            }
        }
        return reports;
    }

    /// <summary>The one report in <paramref name="text"/> (Violation.ToString()), framed or not.</summary>
    internal static ReportText Single(string text)
    {
        var framed = Parse(text);
        if (framed.Count == 1) return framed[0];
        if (framed.Count > 1) throw new System.InvalidOperationException($"{framed.Count} reports where one was expected:\n{text}");
        return new ReportText(text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n').Split('\n'));
    }

    /// <summary>Headlines of every report in <paramref name="text"/> (quick check for "no report at all").</summary>
    internal static int CountHeadlines(string text) =>
        text.Split('\n').Count(l => l.StartsWith("ERROR: InteropGuard: ", StringComparison.Ordinal));

    /// <inheritdoc/>
    public override string ToString() => string.Join("\n", Lines);

    /// <summary>Asserts the whole text report <paramref name="actual"/> equals <paramref name="expected"/> byte for byte,
    /// but for the parts that differ from run to run, written in <paramref name="expected"/> as <c>{thread}</c> (the
    /// thread line's id, name and OS tid), <c>{ms}</c> (a duration like 12.5) and <c>{hex}</c> (an address).</summary>
    internal static void AssertGolden(string actual, string expected)
    {
        string pattern = "^" + Regex.Escape(expected)
            .Replace(Regex.Escape("{thread}"), @"thread #\d+( "".*"")? \(OS tid \d+\)", StringComparison.Ordinal)
            .Replace(Regex.Escape("{ms}"), @"(< 4|\d+\.\d)", StringComparison.Ordinal)
            .Replace(Regex.Escape("{hex}"), "0x[0-9a-f]+", StringComparison.Ordinal) + "$";
        Assert.That(actual, Does.Match(pattern), "the report, line by line:\n" + actual);
    }
}
