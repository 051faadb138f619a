// LenientDoubleJsonConverter.cs: a measured number of a protocol line (a pause, a warm-up time), written as given; anything but a number reads as unknown.
using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>Milliseconds the writer rounded already (a derived converter rounds as it writes). Reading is lenient: a
/// mistyped value is null, never an exception.</summary>
internal class LenientDoubleJsonConverter : JsonConverter<double?>
{
    public override double? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out double d) ? d : null;
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, double? value, JsonSerializerOptions options)
    {
        if (value is double v && double.IsFinite(v))
        {
            writer.WriteNumberValue(Rounded(v));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>The value as written; this converter writes it unchanged.</summary>
    protected virtual double Rounded(double value) => value;
}
