// InterceptedFinding.cs: the slow path of GuardedCall's checks: classifies a non-NONE ig_check result with the existing checks and reports it at the baked-in call site.
using System.Runtime.CompilerServices;
using InteropGuard.Checks;
using InteropGuard.Native;
using InteropGuard.Reporting;
using CallSite = InteropGuard.Checks.CallSite;

namespace InteropGuard.Interception;

/// <summary>Runs only when <c>ig_check</c> found something (rare); out of line so the wrappers' checks stay small.</summary>
internal static class InterceptedFinding
{
    /// <summary>Classifies (detect_ options, confirmations) and reports; throws <see cref="InteropViolationException"/>
    /// or halts when reported, returns when the check is off or the finding is not confirmed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Report(uint kind, in IgViolation native, string argument, GuardedCallSite site)
    {
        Violation? violation = BoundaryCheck.Classify(kind, in native, new CallSite(argument, site.Caller, site.File, site.Line));
        if (violation is null)
        {
            return;
        }

        if (!GuardRuntime.Options.CaptureStacks)
        {
            // The checks name the caller; the site adds the frame of the P/Invoke (no stack walk needed).
            violation = violation with { AccessSite = site.Source };
        }

        Reporter.Report(violation, throwOnReport: true);
    }
}
