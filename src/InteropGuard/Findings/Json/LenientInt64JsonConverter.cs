// LenientInt64JsonConverter.cs: a signed integer field of a finding: a JSON number (a decimal string is accepted); anything else reads as unknown.
using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Signed integers (sweep ids, distances, bytes). Reading is lenient: a mistyped value is null, never an exception.</summary>
internal sealed class LenientInt64JsonConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out long n))
                {
                    return n;
                }

                return reader.TryGetDouble(out double d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : null;
            case JsonTokenType.String:
                return long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is long v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
