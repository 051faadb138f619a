// LenientStringJsonConverter.cs: a text field of a finding (a kind, a type or library name); anything but a string reads as unknown.
using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Names and kinds. Reading is lenient: a mistyped value is null, never an exception.</summary>
internal sealed class LenientStringJsonConverter : JsonConverter<string?>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
