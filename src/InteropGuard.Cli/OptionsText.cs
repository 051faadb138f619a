// OptionsText.cs: edits INTEROPGUARD_OPTIONS strings for attach and run with the runtime's grammar (GuardOptions); runs once at command start.
using System;
using System.Collections.Generic;
using System.Text;

namespace InteropGuard.Cli;

/// <summary>Rewrites option strings item by item as <see cref="GuardOptions.Split"/> splits them, so the tool and the
/// program it starts agree on every item: keys are exact (case-sensitive), the last valid item of a key wins, values
/// cannot contain ':'. What a string means is read with <see cref="GuardOptions.Parse"/>.</summary>
internal static class OptionsText
{
    /// <summary><paramref name="options"/> without the items of <paramref name="keys"/>; the removed keys go to <paramref name="removed"/>.</summary>
    public static string Without(string? options, IReadOnlyCollection<string> keys, List<string> removed)
    {
        var sb = new StringBuilder();
        foreach (OptionItem item in GuardOptions.Split(options))
        {
            if (Contains(keys, item.Key))
            {
                if (!removed.Contains(item.Key))
                {
                    removed.Add(item.Key);
                }

                continue;
            }

            Append(sb, item.ToString());
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

    private static bool Contains(IReadOnlyCollection<string> keys, string key)
    {
        foreach (string k in keys)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
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
