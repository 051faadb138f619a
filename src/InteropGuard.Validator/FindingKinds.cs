// FindingKinds.cs: the kinds a sweep can report, named through the runtime's kind table (generated from ig_kinds.inc).
using System;
using System.Linq;
using InteropGuard;

namespace InteropGuard.Validator;

/// <summary>The kinds a sweep can report, spelled as in reports and <c>detect_&lt;kind&gt;</c> options
/// (<see cref="ViolationKinds"/>).</summary>
public static class FindingKinds
{
    /// <summary>Native memory holds a pointer into a live managed object that nothing pins.</summary>
    public static readonly string UnpinnedManagedPointer = ViolationKinds.GetName(ViolationKind.UnpinnedManagedPointer);

    /// <summary>Native memory holds a pointer into the GC heap where no live object is.</summary>
    public static readonly string DanglingManagedPointer = ViolationKinds.GetName(ViolationKind.DanglingManagedPointer);

    /// <summary>Native memory holds a pointer into a freed (quarantined) native block.</summary>
    public static readonly string NativeUseAfterFree = ViolationKinds.GetName(ViolationKind.NativeUseAfterFree);

    /// <summary>Native memory holds a pointer into a released pin.</summary>
    public static readonly string UseAfterUnpin = ViolationKinds.GetName(ViolationKind.UseAfterUnpin);

    /// <summary>A redzone canary of a live native block was overwritten.</summary>
    public static readonly string NativeBufferOverflow = ViolationKinds.GetName(ViolationKind.NativeBufferOverflow);

    /// <summary>A pin or handle alive longer than <c>pin_leak_ms</c>, or still alive at exit.</summary>
    public static readonly string LeakedPin = ViolationKinds.GetName(ViolationKind.LeakedPin);

    /// <summary>A retained callback whose delegate was collected, or native memory holding the entry of a released callback.</summary>
    public static readonly string CollectedDelegateCallback = ViolationKinds.GetName(ViolationKind.CollectedDelegateCallback);

    /// <summary>Native memory holds a pointer into a memory-mapped view that was released (unmapped).</summary>
    public static readonly string UseAfterUnmap = ViolationKinds.GetName(ViolationKind.UseAfterUnmap);

    /// <summary>Every kind above: <see cref="Findings.SweepKinds.All"/>, spelled as in reports.</summary>
    public static readonly string[] All = [.. Findings.SweepKinds.All.Select(ViolationKinds.GetName)];

    /// <summary>The option that turns <paramref name="kind"/> off, e.g. <c>detect_leaked_pin</c>; the empty string for
    /// text that is not a kind string.</summary>
    /// <param name="kind">A kind string.</param>
    public static string OptionName(string kind) => Kind(kind) is { } k ? ViolationKinds.GetOptionName(k) : "";

    /// <summary>The report id of a kind (IG0001-style number of ig_kinds.inc); 0 if unknown.</summary>
    /// <param name="kind">A kind string.</param>
    public static int Id(string kind) => Kind(kind) is { } k ? (int)k : 0;

    /// <summary>The kind a kind string names exactly (as reports spell it), or null.</summary>
    internal static ViolationKind? Kind(string kind) =>
        ViolationKinds.TryParse(kind, out ViolationKind k) && string.Equals(ViolationKinds.GetName(k), kind, StringComparison.Ordinal) ? k : null;
}
