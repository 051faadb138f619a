// DanglingWordFinding.cs: the shape "dangling-word" (dangling-managed-pointer): a word of native memory points into the GC heap where no live object is.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>A word of native memory points into the GC heap where no live object is. Kind <c>dangling-managed-pointer</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record DanglingWordFinding : Finding
{
    /// <summary>Why the validator found no object there: a code of <see cref="AddressReasons"/>, e.g. <c>free-space</c>.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Why { get; init; }
}
