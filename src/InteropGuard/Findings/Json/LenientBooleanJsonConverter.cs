// LenientBooleanJsonConverter.cs: a yes/no field of a finding: true/false, or a number (non-zero is true); anything else reads as unknown.
using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Flags of a shape. Reading is lenient: a mistyped value is null, never an exception.</summary>
internal sealed class LenientBooleanJsonConverter : JsonConverter<bool?>
{
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out long n) ? n != 0 : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
    {
        if (value is bool v)
        {
            writer.WriteBooleanValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
