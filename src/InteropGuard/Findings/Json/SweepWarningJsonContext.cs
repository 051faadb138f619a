// SweepWarningJsonContext.cs: the System.Text.Json source-generated serializers of the validator's warning records (no reflection).
using System.Text.Json.Serialization;

namespace InteropGuard.Findings.Json;

/// <summary>camelCase names, unknown (null) fields left out. Each shape of <see cref="SweepWarningJson"/> is listed here.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SweepWarning))]
[JsonSerializable(typeof(SweepSkippedWarning))]
[JsonSerializable(typeof(SweepFailedWarning))]
[JsonSerializable(typeof(HeapNotCheckedWarning))]
[JsonSerializable(typeof(TornRecordsWarning))]
[JsonSerializable(typeof(UnreadableMemoryWarning))]
[JsonSerializable(typeof(PartialFillWarning))]
[JsonSerializable(typeof(KnownRetainerWarning))]
[JsonSerializable(typeof(HeapWordInGcReservationWarning))]
[JsonSerializable(typeof(UntrackedFreesWarning))]
[JsonSerializable(typeof(DroppedHeapBlocksWarning))]
[JsonSerializable(typeof(UndecidedCallbackWarning))]
[JsonSerializable(typeof(StackWalkShortWarning))]
[JsonSerializable(typeof(NoSweepDeadlineWarning))]
[JsonSerializable(typeof(NoStopSentinelWarning))]
internal sealed partial class SweepWarningJsonContext : JsonSerializerContext;
