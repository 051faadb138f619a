// JsonFields.cs: tolerant readers of protocol JSON fields (missing or mistyped fields give a fallback, never an exception); used on the validator reader thread.
using System;
using System.Globalization;
using System.Text.Json;

namespace InteropGuard.Validation;

/// <summary>Field access on a parsed protocol line. Addresses are <c>"0x.."</c> strings (numbers are accepted too).</summary>
internal static class JsonFields
{
    /// <summary>The string field, or null when missing or not a string.</summary>
    public static string? String(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    /// <summary>True when the field exists (any value but null).</summary>
    public static bool Has(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null;

    /// <summary>An integer field (a number, or a decimal string); <paramref name="fallback"/> when missing or not one.</summary>
    public static long Int64(JsonElement o, string name, long fallback)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out JsonElement e))
        {
            return fallback;
        }

        if (e.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out long n))
            {
                return n;
            }

            return e.TryGetDouble(out double d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : fallback;
        }

        return e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : fallback;
    }

    /// <summary>A number field; null when missing or not a number.</summary>
    public static double? Double(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) ? d : null;

    /// <summary>A boolean field (true/false, or 1/0); false when missing.</summary>
    public static bool Bool(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out JsonElement e))
        {
            return false;
        }

        return e.ValueKind == JsonValueKind.True || (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n) && n != 0);
    }

    /// <summary>An address field: <c>"0x7f.."</c> (hex), a decimal string or a number; 0 when missing or malformed.</summary>
    public static nint Address(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out JsonElement e))
        {
            return 0;
        }

        if (e.ValueKind == JsonValueKind.Number)
        {
            return e.TryGetUInt64(out ulong u) ? (nint)u : e.TryGetInt64(out long l) ? (nint)l : 0;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            return 0;
        }

        string text = (e.GetString() ?? "").Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex) ? (nint)hex : 0;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dec) ? (nint)dec : 0;
    }

    /// <summary>A site object <c>{"function","file","line"}</c> (<c>member</c> accepted for <c>function</c>); null when
    /// missing, not an object, or naming nothing.</summary>
    public static SourceSite? Site(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out JsonElement s) || s.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string member = String(s, "function") ?? String(s, "member") ?? "";
        string file = String(s, "file") ?? "";
        long line = Int64(s, "line", 0);
        if (member.Length == 0 && file.Length == 0)
        {
            return null;
        }

        return new SourceSite(member, file, line is > 0 and <= int.MaxValue ? (int)line : 0);
    }
}
