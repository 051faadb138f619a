// UntrackedFreesWarning.cs: the warning shape "untracked-frees": native libraries freed blocks native-heap tracking never saw allocated; pointers kept in such blocks are not checked.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Native libraries freed blocks native-heap tracking never saw allocated (allocated before their library was hooked, or by code it does not hook): pointers kept in such blocks are not checked (verbosity=1).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UntrackedFreesWarning : SweepWarning
{
    /// <summary>How many frees.</summary>
    [JsonConverter(typeof(LenientInt64JsonConverter))]
    public long? Count { get; init; }
}
