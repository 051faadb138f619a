// CheckWarnings.cs: the sentences of the warnings the checks give once, when they cannot check something (a nested pointer the validator cannot classify, a superseded call-scoped callback, a full shadow table); the checks pass the facts.
using System.Globalization;

namespace InteropGuard.Reporting;

/// <summary>Facts → the one-line warnings of the checks. Pure; <see cref="Reporter.Warn"/> prints them.</summary>
internal static class CheckWarnings
{
    /// <summary>Pointers nested in arguments go unchecked because the validator is not running.</summary>
    public const string NestedPointersUnchecked =
        "InteropGuard: warning: pointers nested in P/Invoke arguments (struct fields, array elements, pointer slots) are not checked for unpinned managed memory: the validator is not running (see above). Call-boundary checks continue.";

    /// <summary>A nested pointer the validator could not classify passed unchecked.</summary>
    /// <param name="why">The validator's reason, worded (<see cref="InteropGuard.Findings.AddressReasons.Words"/>).</param>
    public static string NestedPointerUnclassified(string? why) =>
        "InteropGuard: warning: a pointer nested in a P/Invoke argument could not be classified (" + why + "); it passed unchecked. Later ones are checked as usual.";

    /// <summary>A kept function pointer of a call-scoped callback whose call site has passed other delegates since.</summary>
    /// <param name="site">The P/Invoke call site that passed it.</param>
    public static string UndecidedCallScopedCallback(string site) =>
        "InteropGuard: warning: native code kept the function pointer of a delegate passed for one call at " + site + ", and later calls there passed other delegates; InteropGuard follows only the latest delegate per call site and cannot tell whether this one is still alive. If native code keeps the callback, mark the P/Invoke parameter [RetainedByNative] (each delegate is then tracked until collected).";

    /// <summary>The shadow table is full: new <paramref name="what"/> (a plural noun) are not tracked.</summary>
    /// <param name="maxRanges">The table's capacity (max_ranges).</param>
    /// <param name="what">"pins", "native buffers", ...</param>
    public static string TableFull(long maxRanges, string what) =>
        "InteropGuard: warning: the shadow table is full (max_ranges=" + maxRanges.ToString(CultureInfo.InvariantCulture) + "); new " + what + " are not tracked. Raise max_ranges.";
}
