// OptionsText.cs: reads and edits INTEROPGUARD_OPTIONS strings (key=value:key=value) for attach and run; runs once at command start.
using System;
using System.Collections.Generic;
using System.Text;

namespace InteropGuard.Cli;

/// <summary>The option syntax of docs/design/options.md: items separated by ':', each <c>key=value</c>; the last item of
/// a key wins (as in the runtime's parser). Values cannot contain ':'.</summary>
internal static class OptionsText
{
    /// <summary>The value of the last <paramref name="key"/> item, or null when there is none.</summary>
    public static string? Get(string? options, string key)
    {
        string? value = null;
        foreach ((string k, string v) in Items(options))
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
            }
        }

        return value;
    }

    /// <summary><paramref name="options"/> without the items of <paramref name="keys"/>; the removed keys go to <paramref name="removed"/>.</summary>
    public static string Without(string? options, IReadOnlyCollection<string> keys, List<string> removed)
    {
        var sb = new StringBuilder();
        foreach (string raw in (options ?? "").Split(':'))
        {
            string item = raw.Trim();
            if (item.Length == 0)
            {
                continue;
            }

            int eq = item.IndexOf('=', StringComparison.Ordinal);
            string key = (eq < 0 ? item : item[..eq]).Trim();
            if (Contains(keys, key))
            {
                if (!removed.Contains(key))
                {
                    removed.Add(key);
                }

                continue;
            }

            Append(sb, item);
        }

        return sb.ToString();
    }

    /// <summary><paramref name="options"/> with <c>key=value</c> appended (so it wins over an earlier item of the same key).</summary>
    public static string With(string options, string key, string value)
    {
        var sb = new StringBuilder(options);
        Append(sb, key + "=" + value);
        return sb.ToString();
    }

    private static IEnumerable<(string Key, string Value)> Items(string? options)
    {
        foreach (string raw in (options ?? "").Split(':'))
        {
            string item = raw.Trim();
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                yield return (item[..eq].Trim(), item[(eq + 1)..].Trim());
            }
        }
    }

    private static bool Contains(IReadOnlyCollection<string> keys, string key)
    {
        foreach (string k in keys)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(StringBuilder sb, string item)
    {
        if (sb.Length > 0)
        {
            sb.Append(':');
        }

        sb.Append(item);
    }
}
