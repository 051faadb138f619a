// Suppressions.cs: the suppressions file (option suppressions): kind:pattern lines that silence accepted findings.
using System;
using System.Collections.Generic;
using System.IO;

namespace InteropGuard;

/// <summary>Parsed <c>kind:pattern</c> lines (<c>#</c> starts a comment; kind <c>*</c> matches every kind; <c>*</c> in a
/// pattern matches any text). A report is silenced when its kind matches and the member or file of its access,
/// allocation or release site, or (validator findings) of the site that allocated the holding block or the holding
/// library's path, contains the pattern.</summary>
internal sealed class Suppressions
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
                problems.Add($"line {number}: '{raw.Trim()}' is not kind:pattern");
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
                problems.Add($"line {number}: unknown kind '{kindText}'");
            }
        }

        return new Suppressions(rules);
    }

    /// <summary>Loads a file; a missing or unreadable file gives <see cref="Empty"/> and a problem.</summary>
    public static Suppressions Load(string path, List<string> problems)
    {
        try
        {
            return Parse(File.ReadAllLines(path), problems);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add("cannot read the file: " + e.Message);
            return Empty;
        }
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
        site is not null && (Contains(site.Member, pattern) || Contains(site.File, pattern) || (site.Stack is not null && Contains(site.Stack, pattern)));
}
