// FindingJsonContext.cs: the System.Text.Json source-generated serializers of the finding records (no reflection: the runtime is AOT-compatible).
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>camelCase names, unknown (null) fields left out. Each shape of <see cref="FindingJson"/> is listed here.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Finding))]
[JsonSerializable(typeof(UnpinnedWordFinding))]
[JsonSerializable(typeof(DanglingWordFinding))]
[JsonSerializable(typeof(FreedBlockWordFinding))]
[JsonSerializable(typeof(UnmappedViewWordFinding))]
[JsonSerializable(typeof(ReleasedPinWordFinding))]
[JsonSerializable(typeof(ReleasedCallbackWordFinding))]
[JsonSerializable(typeof(CollectedCallScopedCallbackWordFinding))]
[JsonSerializable(typeof(CollectedRetainedCallbackFinding))]
[JsonSerializable(typeof(CollectedRetainedPinFinding))]
[JsonSerializable(typeof(MovedRetainedPinFinding))]
[JsonSerializable(typeof(UnpinnedRetainedPinFinding))]
[JsonSerializable(typeof(DamagedRedzoneFinding))]
[JsonSerializable(typeof(PinAliveAtExitFinding))]
[JsonSerializable(typeof(PinAliveTooLongFinding))]
internal sealed partial class FindingJsonContext : JsonSerializerContext;
