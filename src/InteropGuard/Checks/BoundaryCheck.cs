// BoundaryCheck.cs: the slow path of Guard.Check: dispatches a non-NONE ig_check result to the check of its kind, then reports.
using System.Runtime.CompilerServices;
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Checks;

/// <summary>Runs only when <c>ig_check</c> found something (rare); kept out of line so Guard.Check stays small.</summary>
internal static class BoundaryCheck
{
    /// <summary>The violation for an <c>ig_check</c> result, or null when the kind's check is off or not confirmed.</summary>
    public static Violation? Classify(uint kind, in IgViolation native, in CallSite call) => (ViolationKind)kind switch
    {
        ViolationKind.NativeUseAfterFree => NativeUseAfterFreeCheck.Detect(in native, in call),
        ViolationKind.NativeBufferOverflow => NativeBufferOverflowCheck.Detect(in native, in call),
        ViolationKind.UseAfterUnpin when native.HasRange != 0 && (native.Range.Flags & IgConstants.FlagPooledArray) != 0 =>
            ArrayPoolUseAfterReturnCheck.DetectAtCall(in native, in call), // a released pin-like range of a returned pooled array
        ViolationKind.UseAfterUnpin => UseAfterUnpinCheck.Detect(in native, in call),
        ViolationKind.UseAfterUnmap => UseAfterUnmapCheck.Detect(in native, in call),
        ViolationKind.None => null,
        _ => ReleasedRangeCheck.Detect((ViolationKind)kind, in native, in call),
    };

    /// <summary>Classifies and reports (throws <see cref="InteropViolationException"/> or halts when reported).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OnFinding(uint kind, in IgViolation native, in CallSite call)
    {
        Violation? violation = Classify(kind, in native, in call);
        if (violation is not null)
        {
            Reporter.Report(violation, throwOnReport: true);
        }
    }
}
