// ProtocolJson.cs: writes and reads the validator protocol's request and event lines through their source-generated contracts; reading never throws.
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace InteropGuard.Protocol;

/// <summary>The one writer and reader of the request and event records (docs/design/validator-protocol.md).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProtocolJson
{
    /// <summary>The line of a request, without a trailing newline.</summary>
    /// <param name="request">The request.</param>
    public static string Write(ValidatorRequest request) => JsonSerializer.Serialize(request, ProtocolJsonContext.Default.ValidatorRequest);

    /// <summary>The line of a ready event.</summary>
    /// <param name="ready">The event.</param>
    public static string Write(ReadyEvent ready) => JsonSerializer.Serialize(ready, ProtocolJsonContext.Default.ReadyEvent);

    /// <summary>The line of a swept event.</summary>
    /// <param name="swept">The event.</param>
    public static string Write(SweptEvent swept) => JsonSerializer.Serialize(swept, ProtocolJsonContext.Default.SweptEvent);

    /// <summary>The line of a classified event.</summary>
    /// <param name="classified">The event.</param>
    public static string Write(ClassifiedEvent classified) => JsonSerializer.Serialize(classified, ProtocolJsonContext.Default.ClassifiedEvent);

    /// <summary>The line of an error event.</summary>
    /// <param name="error">The event.</param>
    public static string Write(ErrorEvent error) => JsonSerializer.Serialize(error, ProtocolJsonContext.Default.ErrorEvent);

    /// <summary>The request a line holds; null when it is no JSON object or has no <c>op</c>.</summary>
    /// <param name="line">One line of the validator's stdin.</param>
    public static ValidatorRequest? ReadRequest(string line)
    {
        try
        {
            ValidatorRequest? request = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.ValidatorRequest);
            return request?.Op is null ? null : request;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The ready event of a parsed line; null when its shape is broken.</summary>
    /// <param name="line">A parsed line whose <c>ev</c> is <c>ready</c>.</param>
    public static ReadyEvent? ReadReady(JsonElement line) => Read(line, ProtocolJsonContext.Default.ReadyEvent);

    /// <summary>The swept event of a parsed line; null when its shape is broken.</summary>
    /// <param name="line">A parsed line whose <c>ev</c> is <c>swept</c>.</param>
    public static SweptEvent? ReadSwept(JsonElement line) => Read(line, ProtocolJsonContext.Default.SweptEvent);

    /// <summary>The classified event of a parsed line; null when its shape is broken (e.g. verdicts that are no list).</summary>
    /// <param name="line">A parsed line whose <c>ev</c> is <c>classified</c>.</param>
    public static ClassifiedEvent? ReadClassified(JsonElement line) => Read(line, ProtocolJsonContext.Default.ClassifiedEvent);

    /// <summary>The error event of a parsed line; null when its shape is broken.</summary>
    /// <param name="line">A parsed line whose <c>ev</c> is <c>error</c>.</param>
    public static ErrorEvent? ReadError(JsonElement line) => Read(line, ProtocolJsonContext.Default.ErrorEvent);

    private static T? Read<T>(JsonElement line, JsonTypeInfo<T> info)
        where T : class
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return line.Deserialize(info);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
