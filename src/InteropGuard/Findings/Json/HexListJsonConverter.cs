// HexListJsonConverter.cs: a list of addresses in a protocol line ("0x7f.." strings); entries that are no address are left out, anything but an array reads as unknown.
using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Addresses as <c>["0x..", ...]</c>, each read as <see cref="HexJsonConverter"/> reads one. Reading is lenient:
/// a malformed entry is skipped, a value that is no array is null, never an exception.</summary>
internal sealed class HexListJsonConverter : JsonConverter<IReadOnlyList<ulong>?>
{
    private static readonly HexJsonConverter s_one = new();

    public override IReadOnlyList<ulong>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var list = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (s_one.Read(ref reader, typeof(ulong?), options) is ulong value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ulong>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (ulong v in value)
        {
            s_one.Write(writer, v, options);
        }

        writer.WriteEndArray();
    }
}
