// ProtocolJsonContext.cs: the System.Text.Json source-generated serializers of the validator protocol's requests and events (findings and warnings have their own contexts).
using System.Text.Json.Serialization;

namespace InteropGuard.Protocol;

/// <summary>camelCase names, unknown (null) fields left out, as the finding lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ValidatorRequest))]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(SweptEvent))]
[JsonSerializable(typeof(ClassifiedEvent))]
[JsonSerializable(typeof(ErrorEvent))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
