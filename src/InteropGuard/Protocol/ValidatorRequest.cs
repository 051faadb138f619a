// ValidatorRequest.cs: one line a guarded process writes to its validator's stdin (op hello, sweep or classify), as a record.
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Protocol;

/// <summary>A request of the target (docs/design/validator-protocol.md, "Target → validator"). Fields an op does not use
/// are null and left out of the line. Reading is lenient: a mistyped field is null.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ValidatorRequest
{
    /// <summary>The op <c>hello</c>: ptrace is allowed; attach, warm up, answer <c>ready</c>.</summary>
    public const string Hello = "hello";

    /// <summary>The op <c>sweep</c>: sweep now and answer <c>swept</c> with the same id.</summary>
    public const string Sweep = "sweep";

    /// <summary>The op <c>classify</c>: classify <see cref="Addresses"/> and answer <c>classified</c> with the same id.</summary>
    public const string Classify = "classify";

    /// <summary>Sweep reason: <c>Guard.Validate()</c> asked.</summary>
    public const string Demand = "demand";

    /// <summary>Sweep reason: the program is ending (every live pin that is not call-scoped is a leaked pin).</summary>
    public const string Exit = "exit";

    /// <summary>Sweep reason: the first sweep, at start-up before <c>Main</c>.</summary>
    public const string Start = "start";

    /// <summary>Sweep reason of the validator's own timer sweeps (never asked; only in <c>swept</c>).</summary>
    public const string Timer = "timer";

    /// <summary>What is asked: <see cref="Hello"/>, <see cref="Sweep"/> or <see cref="Classify"/>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Op { get; init; }

    /// <summary>The request's id, repeated by its answer.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Id { get; init; }

    /// <summary>A sweep's reason: <see cref="Demand"/>, <see cref="Exit"/> or <see cref="Start"/>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Reason { get; init; }

    /// <summary>hello: the target's process id.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Pid { get; init; }

    /// <summary>hello: the address of the shadow table's header.</summary>
    [JsonConverter(typeof(HexJsonConverter))]
    public ulong? Table { get; init; }

    /// <summary>classify: the addresses a call's nested pointers hold.</summary>
    [JsonConverter(typeof(HexListJsonConverter))]
    public IReadOnlyList<ulong>? Addresses { get; init; }
}
