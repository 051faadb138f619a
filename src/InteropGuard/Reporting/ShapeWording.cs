// ShapeWording.cs: the sentences of the lifetime shapes (tracked handles, raw handle values, checked handles, mapped views) that ReportFormatter's description uses.
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>Shape fields → words. Pure; the checks only build the records.</summary>
internal static class ShapeWording
{
    /// <summary>The whole description of a tracked handle's shape: released while retained, closed while retained,
    /// finalized without Dispose.</summary>
    public static string HandleDescription(Violation v) => v switch
    {
        HandleReleasedWhileRetainedViolation r =>
            $"The {r.HandleType} {ReportFormatter.Hex(v.Address)} was released by {Releaser(r.ReleasedBy)} while native code still retained it{Calls(r.CallsInFlight)}. " +
            "InteropGuard deferred the close of the OS handle until ReleasedByNative(); unguarded, native code would have used a closed (or already reused) handle.",
        HandleClosedWhileRetainedViolation c =>
            $"The {c.HandleType} {ReportFormatter.Hex(v.Address)} was closed while native code still retained it; found when native code let go at {c.LetGoAt}. " +
            "InteropGuard's reference deferred the close of the OS handle until then; unguarded, native code would have used a closed (or already reused) handle.",
        HandleFinalizedViolation f =>
            $"The {f.HandleType} {ReportFormatter.Hex(v.Address)} was never disposed: its finalizer released it. Forgot to Dispose() it?",
        _ => $"The handle {ReportFormatter.Hex(v.Address)} is involved in a {v.KindName} violation.",
    };

    /// <summary>What is at a released view's address now, after the description of a pointer into it.</summary>
    /// <param name="stillMapped">True when its accessor still maps it.</param>
    public static string ViewState(bool stillMapped) => stillMapped
        ? "The view is still mapped by its accessor, so the access works for now; it faults or reads another mapping once the accessor is disposed."
        : "Nothing is mapped at the address now: a native access faults.";

    /// <summary>The sentence after the description of a SafeHandle argument closed during the call.</summary>
    public static string ClosedDuringCall(HandleClosedDuringCallViolation h) =>
        $"The {h.HandleType} was closed (Dispose, Close or a finalizer) while the native call was still using it; " +
        "the marshaller's reference delayed the release until the call returned, so the handle value the call used is now closed.";

    /// <summary>What happened to the SafeHandle a raw <c>DangerousGetHandle()</c> argument came from (the formatter
    /// prefixes "P/Invoke argument 'p' (0x..) is the DangerousGetHandle() value of ").</summary>
    public static string RawHandle(RawHandleReleasedDuringCallViolation f)
    {
        string what = $"a {f.HandleType} that ";
        return f.Unreachable
            ? what + "became unreachable during the call: nothing referenced it after DangerousGetHandle(), so the GC queued its finalizer while native code used the raw value. "
                + (f.Collected
                    ? "It was finalized and collected before the call returned; InteropGuard's reference kept its release from running under the call, and that release now never runs (the handle leaks)."
                    : "InteropGuard held a reference for the call, so the release waited until the call returned; unguarded, the finalizer would have closed the handle (or freed its memory) under native code.")
            : what + "was closed (Dispose or Close, on another thread) during the call; InteropGuard held a reference for the call, so the release waited until the call returned. Unguarded, native code would have used a closed (or already reused) handle.";
    }

    /// <summary>Why a CheckedHandle was rejected, after "CheckedHandle 0x..": "was freed 2.1 ms before this use", ...</summary>
    public static string RejectedHandle(InvalidHandleViolation h)
    {
        string action = h.AtFree ? "this second Free" : "this use";
        return h switch
        {
            { Freed: true, SinceRelease: { } t } => $"was freed {ReportFormatter.Duration(t)} before {action}",
            { Freed: true } => $"was freed before {action} (its slot has been reused since)",
            { Address: 0 } => "is 0 (default(CheckedHandle)); it was never issued by CheckedHandle.Alloc",
            _ => "was never issued by CheckedHandle.Alloc (or it is corrupted)",
        };
    }

    private static string Releaser(HandleReleaser by) => by switch
    {
        HandleReleaser.Finalizer => "its finalizer",
        HandleReleaser.DisposeOnFinalizerThread => "a Dispose on the finalizer thread (an owner's finalizer)",
        _ => "Dispose",
    };

    private static string Calls(int calls) =>
        calls == 0 ? "" : $" (and {calls} intercepted call{(calls == 1 ? "" : "s")} took it)";
}
