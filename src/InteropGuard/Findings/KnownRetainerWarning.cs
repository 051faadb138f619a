// KnownRetainerWarning.cs: the warning shape "known-retainer": a native library's heap blocks are not scanned because the library is known to keep stale pointers on purpose (KnownRetainers).
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Blocks of a library listed in <see cref="KnownRetainers"/> are not scanned (verbosity=1).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record KnownRetainerWarning : SweepWarning
{
    /// <summary>The library's file name.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Library { get; init; }

    /// <summary>The <see cref="KnownRetainers"/> prefix it matched.</summary>
    [JsonConverter(typeof(LenientStringJsonConverter))]
    public string? Retainer { get; init; }
}
