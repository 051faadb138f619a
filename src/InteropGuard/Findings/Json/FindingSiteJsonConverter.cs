// FindingSiteJsonConverter.cs: a site field of a finding, {"function","file","line"} ("member" accepted for "function"); anything else, or a site naming nothing, reads as unknown.
using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Sites. Reading is lenient: a mistyped field is left empty, a site with neither function nor file is null,
/// never an exception.</summary>
internal sealed class FindingSiteJsonConverter : JsonConverter<FindingSite?>
{
    public override FindingSite? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string function = "", member = "", file = "";
        long line = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString() ?? "";
            reader.Read();
            switch (name)
            {
                case "function" when reader.TokenType == JsonTokenType.String:
                    function = reader.GetString() ?? "";
                    break;
                case "member" when reader.TokenType == JsonTokenType.String:
                    member = reader.GetString() ?? "";
                    break;
                case "file" when reader.TokenType == JsonTokenType.String:
                    file = reader.GetString() ?? "";
                    break;
                case "line" when reader.TokenType == JsonTokenType.Number:
                    line = reader.TryGetInt64(out long n) ? n : 0;
                    break;
                case "line" when reader.TokenType == JsonTokenType.String:
                    line = long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : 0;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        string fn = function.Length > 0 ? function : member;
        return fn.Length == 0 && file.Length == 0 ? null : new FindingSite(fn, file, line is > 0 and <= int.MaxValue ? (int)line : 0);
    }

    public override void Write(Utf8JsonWriter writer, FindingSite? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("function", value.Function);
        writer.WriteString("file", value.File);
        writer.WriteNumber("line", value.Line);
        writer.WriteEndObject();
    }
}
