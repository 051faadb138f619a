// OptionGrammar.cs: the INTEROPGUARD_OPTIONS grammar of native/src/ig_options.c, value by value, and the wording of its
// warnings; GuardOptions.Parse applies it. Both parsers accept and refuse the same strings and warn in the same words.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace InteropGuard.Options;

/// <summary>The grammar (docs/design/options.md, "Syntax"): the text ends at its first NUL; items are separated by
/// <c>:</c>, empty items mean nothing; an item is <c>key=value</c> split at its first <c>=</c>; keys and values are
/// exact (case-sensitive, no trimming). Booleans <c>0|1|true|false</c>; formats <c>text|json|sarif</c>; integers are
/// ASCII decimal digits, no sign, within the option's bounds (and a power of two where the table says so); text is at
/// most <see cref="MaxTextBytes"/> UTF-8 bytes without <c>=</c>.</summary>
internal static class OptionGrammar
{
    /// <summary>The longest text value in UTF-8 bytes (IG_OPT_STR_MAX - 1 in C).</summary>
    public const int MaxTextBytes = 255;

    /// <summary>Bytes of user text a warning quotes (IG_EXCERPT_MAX in C).</summary>
    public const int ExcerptBytes = 40;

    /// <summary>The items of <paramref name="text"/> in order; empty items left out.</summary>
    public static List<OptionItem> Split(string? text)
    {
        var items = new List<OptionItem>();
        if (text is null)
        {
            return items;
        }

        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            text = text[..nul];
        }

        foreach (string item in text.Split(':'))
        {
            if (item.Length == 0)
            {
                continue;
            }

            int eq = item.IndexOf('=', StringComparison.Ordinal);
            items.Add(eq < 0 ? new OptionItem(item, null) : new OptionItem(item[..eq], item[(eq + 1)..]));
        }

        return items;
    }

    /// <summary>Parses a non-text value of <paramref name="d"/>; false when the grammar refuses it.</summary>
    public static bool TryParseNumber(OptionDefinition d, string value, out long number)
    {
        number = 0;
        switch (d.Type)
        {
            case OptionType.Bool:
                if (value is "1" or "true") { number = 1; return true; }
                return value is "0" or "false";
            case OptionType.Format:
                number = value switch { "text" => 0, "json" => 1, "sarif" => 2, _ => -1 };
                return number >= 0;
            case OptionType.Int:
                return TryParseDecimal(value, out number) && number >= d.Min && number <= d.Max
                    && (!d.PowerOfTwo || (number & (number - 1)) == 0);
            default:
                return false;
        }
    }

    /// <summary>True when <paramref name="value"/> fits a text option.</summary>
    public static bool IsValidText(string value) =>
        value.IndexOf('=', StringComparison.Ordinal) < 0 && Encoding.UTF8.GetByteCount(value) <= MaxTextBytes;

    /// <summary>Decimal ASCII digits, at least one, no sign, at most <see cref="long.MaxValue"/>.</summary>
    private static bool TryParseDecimal(string s, out long value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }

            long d = c - '0';
            if (value > (long.MaxValue - d) / 10)
            {
                return false;
            }

            value = value * 10 + d;
        }

        return true;
    }

    /// <summary>The warning for a key that is not in the table.</summary>
    public static string UnknownKey(string key) =>
        "unknown option '" + Excerpt(key) + "' in INTEROPGUARD_OPTIONS is ignored; valid options: " + OptionTable.ValidNames();

    /// <summary>The warning for a value the grammar refuses; <paramref name="kept"/> is the option's value as kept.</summary>
    public static string BadValue(OptionDefinition d, string value, string kept)
    {
        string valid = d.Type switch
        {
            OptionType.Bool => "0, 1, true, false",
            OptionType.Format => "text, json, sarif",
            OptionType.Text => "text of at most 255 bytes without '='",
            _ => string.Create(CultureInfo.InvariantCulture, $"{(d.PowerOfTwo ? "a power of two" : "a decimal integer")} from {d.Min} to {d.Max}"),
        };
        return "bad value '" + Excerpt(value) + "' for option " + d.Name + "; valid values: " + valid + "; keeping " + d.Name + "=" + kept;
    }

    /// <summary>The warning when <c>max_redzone</c> is below <c>redzone</c> (the larger wins, as in C).</summary>
    public static string MaxRedzoneBelowRedzone(long maxRedzone, long redzone) =>
        string.Create(CultureInfo.InvariantCulture, $"max_redzone={maxRedzone} is below redzone={redzone}; using max_redzone={redzone}");

    /// <summary>At most <see cref="ExcerptBytes"/> UTF-8 bytes of <paramref name="text"/>, each byte that is not printable
    /// ASCII (or is ' or \) as <c>\xNN</c>, then "..." when cut: a warning never echoes control characters or a whole
    /// long value.</summary>
    public static string Excerpt(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text.Length > ExcerptBytes ? text[..(ExcerptBytes + 1)] : text);
        int n = Math.Min(bytes.Length, ExcerptBytes);
        var sb = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++)
        {
            byte c = bytes[i];
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
            {
                sb.Append((char)c);
            }
            else
            {
                sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (bytes.Length > ExcerptBytes)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }
}
