// SweepWarning.cs: one warning of the validator as data (the protocol's warning line): what a sweep could not check or did not do; a line whose shape this runtime does not know reads as this base record.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Something the user should know once about the validator's sweeps (a record skipped as torn, a heap not
/// checked, no sweep deadline), as data: the validator sends it (<see cref="SweepWarningJson.Write"/>), the target's runtime
/// and the <c>interopguard</c> tool read it, and only <c>Reporting/SweepWarningWording</c> words it. Each shape is a sealed
/// record derived from this one; this base is a warning of a shape the reader does not know (a newer validator), shown
/// from its <see cref="Message"/> when it has one.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public record SweepWarning
{
    /// <summary>The protocol event, always <c>warning</c>.</summary>
    [JsonPropertyOrder(-2)]
    public string Ev => "warning";

    /// <summary>The shape's name in the protocol (<see cref="SweepWarningJson"/>), e.g. <c>torn-records</c>; null for this base.</summary>
    [JsonPropertyOrder(-1)]
    public string? Shape => SweepWarningJson.ShapeName(GetType());

    /// <summary>The text of a warning line of no known shape (a validator older than the shapes, or an error shown as a
    /// warning); null for the shapes, which carry data only.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Message { get; init; }

    /// <summary>The protocol line of this warning, without a trailing newline (<see cref="SweepWarningJson.Write"/>).</summary>
    public string ToJson() => SweepWarningJson.Write(this);
}
