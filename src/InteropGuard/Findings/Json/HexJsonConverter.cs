// HexJsonConverter.cs: an address or flags field of a finding: written "0x7f..", read from that, a decimal string or a number; anything else reads as unknown.
using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Addresses travel as <c>"0x.."</c> strings (JSON numbers lose bits past 2^53 in many readers). Reading is
/// lenient: a mistyped or malformed value is null, never an exception, so one bad field does not lose the finding.</summary>
internal sealed class HexJsonConverter : JsonConverter<ulong?>
{
    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetUInt64(out ulong u) ? u : reader.TryGetInt64(out long l) ? (ulong)l : null;
            case JsonTokenType.String:
                string text = (reader.GetString() ?? "").Trim();
                if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex) ? hex : null;
                }

                return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dec) ? dec : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        if (value is ulong v)
        {
            writer.WriteStringValue("0x" + v.ToString("x", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
