// SweepKinds.cs: the kinds a validator sweep can report: the one list the validator's FindingKinds and the runtime's ShapeKinds row for validator findings both read.
using System.Collections.Generic;
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>The kinds a validator finding can carry (tool API, used by the validator and the runtime's shape table).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SweepKinds
{
    /// <summary>Every kind a sweep reports, in report order.</summary>
    public static IReadOnlyList<ViolationKind> All { get; } =
    [
        ViolationKind.UnpinnedManagedPointer, ViolationKind.DanglingManagedPointer, ViolationKind.NativeUseAfterFree,
        ViolationKind.UseAfterUnpin, ViolationKind.NativeBufferOverflow, ViolationKind.LeakedPin,
        ViolationKind.CollectedDelegateCallback, ViolationKind.UseAfterUnmap,
    ];
}
