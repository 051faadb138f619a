// UndecidedCallbackWarning.cs: the warning shape "undecided-callback": native memory holds the function pointer of a delegate passed for one call at a site that later passed others; whether it is alive cannot be told.
using System.ComponentModel;
using System.Text.Json.Serialization;
using InteropGuard.Findings.Json;

namespace InteropGuard.Findings;

/// <summary>Native memory holds the function pointer of a delegate passed for one call, and later calls at that site passed other delegates: InteropGuard follows only the latest per site, so whether this one is alive cannot be told.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UndecidedCallbackWarning : SweepWarning
{
    /// <summary>The P/Invoke call site that passed it.</summary>
    [JsonConverter(typeof(FindingSiteJsonConverter))]
    public FindingSite? CallSite { get; init; }
}
