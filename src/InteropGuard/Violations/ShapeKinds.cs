// ShapeKinds.cs: the one table of which kinds each report shape may carry: a fixed-kind shape names its one kind, a shape built from a native record or a validator finding lists every kind that record can hold.
using System;
using System.Collections.Generic;

namespace InteropGuard.Violations;

/// <summary>Shape record → the kinds it allows. The formatters word a shape per kind, so a kind outside its shape's
/// row has no wording; <c>ShapeKindsTests</c> fails when a kind has no shape or a shape is built with a kind not in its row.</summary>
internal static class ShapeKinds
{
    private static readonly Dictionary<Type, ViolationKind[]> s_table = new()
    {
        // At a call boundary, from the record ig_check fills (ig_index.c: a released range's kind by its range kind, or an overflow).
        [typeof(PointerAtCallViolation)] =
        [
            ViolationKind.NativeUseAfterFree, ViolationKind.NativeBufferOverflow, ViolationKind.UseAfterUnpin,
            ViolationKind.UseAfterUnmap, ViolationKind.CollectedDelegateCallback, ViolationKind.ArrayPoolUseAfterReturn,
        ],
        [typeof(UnmappedViewAtCallViolation)] = [ViolationKind.UseAfterUnmap],
        [typeof(UnpinnedPointerAtCallViolation)] = [ViolationKind.UnpinnedManagedPointer],
        [typeof(HandleClosedDuringCallViolation)] = [ViolationKind.HandleReleasedInUse],
        [typeof(RawHandleReleasedDuringCallViolation)] = [ViolationKind.HandleReleasedInUse],

        // A free's status (ig_free_at): a second free, a foreign or interior address, a damaged redzone.
        [typeof(FreeViolation)] = [ViolationKind.DoubleFree, ViolationKind.InvalidFree, ViolationKind.NativeBufferOverflow],

        // Guard.Verify (ig_verify reports damaged right or left redzones of live blocks).
        [typeof(DamagedRedzoneViolation)] = [ViolationKind.NativeBufferOverflow],

        // The native report hook: ig_free of a bad pointer, an eviction finding a written poison, a guarded page's fault,
        // an ig_check made by native code.
        [typeof(NativeReportedViolation)] =
        [
            ViolationKind.NativeUseAfterFree, ViolationKind.NativeBufferOverflow, ViolationKind.DoubleFree, ViolationKind.InvalidFree,
            ViolationKind.UseAfterUnpin, ViolationKind.UseAfterUnmap, ViolationKind.CollectedDelegateCallback,
        ],

        // Checked handles, the guarded pool, callbacks and SafeHandles: one kind each.
        [typeof(InvalidHandleViolation)] = [ViolationKind.InvalidHandle],
        [typeof(PooledArrayWrittenViolation)] = [ViolationKind.ArrayPoolUseAfterReturn],
        [typeof(PooledArrayReturnedTwiceViolation)] = [ViolationKind.ArrayPoolUseAfterReturn],
        [typeof(PooledArrayReturnedPinnedViolation)] = [ViolationKind.ArrayPoolUseAfterReturn],
        [typeof(CallbackCalledAfterReleaseViolation)] = [ViolationKind.CollectedDelegateCallback],
        [typeof(HandleReleasedWhileRetainedViolation)] = [ViolationKind.HandleReleasedInUse],
        [typeof(HandleClosedWhileRetainedViolation)] = [ViolationKind.HandleReleasedInUse],
        [typeof(HandleFinalizedViolation)] = [ViolationKind.LeakedPin],

        // A validator finding: the kinds a sweep reports (declared once in Findings/SweepKinds, which the validator reads too).
        [typeof(ValidatorViolation)] = [.. Findings.SweepKinds.All],
    };

    /// <summary>Every shape record with a row.</summary>
    public static IEnumerable<Type> Shapes => s_table.Keys;

    /// <summary>The kinds <paramref name="shape"/> allows; empty for a type without a row.</summary>
    public static IReadOnlyList<ViolationKind> Of(Type shape) => s_table.TryGetValue(shape, out ViolationKind[]? kinds) ? kinds : [];

    /// <summary>True when a <paramref name="shape"/> record may carry <paramref name="kind"/>.</summary>
    public static bool Allows(Type shape, ViolationKind kind) => Array.IndexOf(s_table.GetValueOrDefault(shape) ?? [], kind) >= 0;
}
