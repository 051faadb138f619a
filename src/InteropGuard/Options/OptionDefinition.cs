// OptionDefinition.cs: one row of the option table (name, default, description, how its value is parsed).
using System;
using System.Globalization;

namespace InteropGuard;

/// <summary>How an option's text is parsed.</summary>
internal enum OptionType
{
    Bool,
    Int,
    Text,
    Format,
}

/// <summary>One option: name (identical to the C side), default text, description with units and trade-off, parser.</summary>
internal sealed record OptionDefinition(string Name, string Default, string Description, OptionType Type, long Min = 0, long Max = long.MaxValue, bool PowerOfTwo = false)
{
    /// <summary>Parses <paramref name="text"/>; on failure returns false and a phrase naming the valid values.</summary>
    public bool TryParse(string text, out long number, out string? valid)
    {
        number = 0;
        valid = null;
        string t = text.Trim();
        switch (Type)
        {
            case OptionType.Bool:
                if (t is "1" || t.Equals("true", StringComparison.OrdinalIgnoreCase)) { number = 1; return true; }
                if (t is "0" || t.Equals("false", StringComparison.OrdinalIgnoreCase)) { number = 0; return true; }
                valid = "0, 1, true or false";
                return false;
            case OptionType.Format:
                if (t.Equals("text", StringComparison.OrdinalIgnoreCase)) { number = (long)ReportFormat.Text; return true; }
                if (t.Equals("json", StringComparison.OrdinalIgnoreCase)) { number = (long)ReportFormat.Json; return true; }
                if (t.Equals("sarif", StringComparison.OrdinalIgnoreCase)) { number = (long)ReportFormat.Sarif; return true; }
                valid = "text, json or sarif";
                return false;
            case OptionType.Int:
                bool ok = long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out number)
                    && number >= Min && number <= Max && (!PowerOfTwo || (number & (number - 1)) == 0);
                if (!ok)
                {
                    valid = PowerOfTwo
                        ? string.Create(CultureInfo.InvariantCulture, $"a power of two from {Min} to {Max}")
                        : string.Create(CultureInfo.InvariantCulture, $"a decimal integer from {Min} to {Max}");
                    number = 0;
                }

                return ok;
            default:
                return true;
        }
    }
}
