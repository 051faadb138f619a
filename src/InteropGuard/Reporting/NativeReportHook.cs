// NativeReportHook.cs: the [UnmanagedCallersOnly] target of ig_set_report_hook; violations found natively (ig_free of a freed block, ...) flow into the managed reporter.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Checks;
using InteropGuard.Native;
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>Receives violations the native side reports and hands them to <see cref="Reporter"/>. Nothing is thrown
/// across the native frame; halt_on_error still aborts.</summary>
internal static unsafe class NativeReportHook
{
    /// <summary>Registers the hook with the native library (called once at start-up).</summary>
    public static void Install() => IgNative.ig_set_report_hook(&OnReport, null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnReport(IgViolation* violation, void* context)
    {
        if (violation == null)
        {
            return;
        }

        try
        {
            ulong detected = GuardRuntime.MonotonicNs();
            var kind = (ViolationKind)violation->Kind;
            if (kind != ViolationKind.None)
            {
                var shape = new NativeReportedViolation(kind, (nint)violation->Address) { RedzoneOffset = (long)violation->Detail };
                Reporter.Report(ViolationFactory.FromNative(shape, in *violation, CallerSite.FromStackWithSource(SiteKind.NativeCode), detected), throwOnReport: false);
            }
        }
        catch (Exception e)
        {
            // Never let an exception unwind into native code.
            try
            {
                Console.Error.WriteLine("InteropGuard: internal error while reporting a native violation: " + e.Message);
            }
            catch (Exception)
            {
                // Nothing left to do.
            }
        }
    }
}
