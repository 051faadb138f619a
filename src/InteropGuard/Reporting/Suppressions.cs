// Suppressions.cs: the suppressions file (option suppressions): kind:pattern lines that silence accepted findings.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Text;
using InteropGuard.Options;

namespace InteropGuard.Reporting;

/// <summary>Parsed <c>kind:pattern</c> lines (<c>#</c> starts a comment; kind <c>*</c> matches every kind; <c>*</c> in a
/// pattern matches any text). A report is silenced when its kind matches and the member or file of its access,
/// allocation or release site, or (validator findings) of the site that allocated the holding block or the holding
/// library's path, contains the pattern. The file is bounded: regular files only, at most <see cref="MaxFileBytes"/>,
/// lines of at most <see cref="MaxLineLength"/> characters. Public for the <c>interopguard</c> tool, which applies a
/// program's suppressions to the findings of <c>attach</c>; programs name the file with the <c>suppressions</c> option.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Suppressions
{
    private readonly List<(ViolationKind? Kind, string Pattern)> _rules;

    private Suppressions(List<(ViolationKind? Kind, string Pattern)> rules) => _rules = rules;

    /// <summary>No rules.</summary>
    public static Suppressions Empty { get; } = new([]);

    /// <summary>The number of rules.</summary>
    public int Count => _rules.Count;

    /// <summary>Parses rules; every bad line is listed in <paramref name="problems"/>.</summary>
    public static Suppressions Parse(IEnumerable<string> lines, List<string> problems)
    {
        var rules = new List<(ViolationKind?, string)>();
        int number = 0;
        foreach (string raw in lines)
        {
            number++;
            if (raw.Length > MaxLineLength)
            {
                problems.Add($"line {number} is longer than {MaxLineLength} characters (the limit); it is ignored: '{OptionGrammar.Excerpt(raw)}'");
                continue;
            }

            string line = raw;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
            {
                problems.Add($"line {number}: '{OptionGrammar.Excerpt(raw.Trim())}' is not kind:pattern");
                continue;
            }

            string kindText = line[..colon].Trim();
            string pattern = line[(colon + 1)..].Trim();
            if (kindText == "*")
            {
                rules.Add((null, pattern));
            }
            else if (ViolationKinds.TryParse(kindText, out ViolationKind kind))
            {
                rules.Add((kind, pattern));
            }
            else
            {
                problems.Add($"line {number}: unknown kind '{OptionGrammar.Excerpt(kindText)}'");
            }
        }

        return new Suppressions(rules);
    }

    /// <summary>The largest suppressions file read (1 MiB: tens of thousands of rules); a larger one is refused whole.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The longest line kept (4096 characters); a longer one is a problem and ignored.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>How many bad lines a warning lists (the rest are counted).</summary>
    public const int MaxProblemsListed = 5;

    /// <summary>Loads a file; a missing, unreadable, non-regular (device, FIFO, directory) or too large
    /// (<see cref="MaxFileBytes"/>) file gives <see cref="Empty"/> and a problem naming the reason and the limit. Never
    /// blocks on a FIFO and never reads more than <see cref="MaxFileBytes"/> + 1 bytes.</summary>
    public static Suppressions Load(string path, List<string> problems)
    {
        if (RegularFile.WhatElse(path) is { } what)
        {
            problems.Add($"it is {what}, not a regular file; it is not read");
            return Empty;
        }

        byte[] bytes;
        int length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            bytes = new byte[MaxFileBytes + 1];
            length = 0;
            int read;
            while (length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add("cannot read the file: " + e.Message);
            return Empty;
        }

        if (length > MaxFileBytes)
        {
            problems.Add($"it is larger than {MaxFileBytes / 1024} KiB (the limit); it is not read");
            return Empty;
        }

        string text = new UTF8Encoding(false, false).GetString(bytes, 0, length);
        var lineProblems = new List<string>();
        Suppressions rules = Parse(text.Split('\n'), lineProblems);
        if (lineProblems.Count > MaxProblemsListed)
        {
            int more = lineProblems.Count - MaxProblemsListed;
            lineProblems.RemoveRange(MaxProblemsListed, more);
            lineProblems.Add($"and {more} more bad lines");
        }

        problems.AddRange(lineProblems);
        return rules;
    }

    /// <summary>True when a rule silences <paramref name="v"/>.</summary>
    public bool Matches(Violation v)
    {
        foreach ((ViolationKind? kind, string pattern) in _rules)
        {
            if (kind is { } k && k != v.Kind)
            {
                continue;
            }

            if (SiteMatches(v.AccessSite, pattern) || SiteMatches(v.AllocationSite, pattern) || SiteMatches(v.ReleaseSite, pattern)
                || SiteMatches(v.Holder?.Site, pattern) || TextMatches(v.Holder?.Library, pattern))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Glob-contains: every '*'-separated part occurs in order.</summary>
    internal static bool Contains(string text, string pattern)
    {
        if (pattern.Length == 0 || pattern == "*")
        {
            return true;
        }

        int at = 0;
        foreach (string part in pattern.Split('*'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int found = text.IndexOf(part, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + part.Length;
        }

        return true;
    }

    private static bool TextMatches(string? text, string pattern) => text is not null && Contains(text, pattern);

    private static bool SiteMatches(SourceSite? site, string pattern) =>
        site is not null && (Contains(site.Kind == SiteKind.Recorded ? site.Member : SiteWording.Member(site), pattern) || Contains(site.File, pattern) || (site.Stack is not null && Contains(site.Stack, pattern)));
}
