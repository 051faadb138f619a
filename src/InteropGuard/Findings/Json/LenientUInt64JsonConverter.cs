// LenientUInt64JsonConverter.cs: a count or size field of a finding: a JSON number (a decimal string is accepted); anything else reads as unknown.
using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Sizes and offsets. Reading is lenient: a mistyped value is null, never an exception.</summary>
internal sealed class LenientUInt64JsonConverter : JsonConverter<ulong?>
{
    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetUInt64(out ulong u))
                {
                    return u;
                }

                return reader.TryGetDouble(out double d) && d >= 0 && d < ulong.MaxValue ? (ulong)d : null;
            case JsonTokenType.String:
                return ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong s) ? s : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        if (value is ulong v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
