// FactsWording.cs: the sentences of a violation's shape-specific facts (handle releases, callback stubs, unmapped views, rejected handles, pooled arrays); ReportFormatter calls it.
using InteropGuard.Facts;

namespace InteropGuard.Reporting;

/// <summary>Facts → words. Pure; the one place these shapes are worded (the checks only build the facts).</summary>
internal static class FactsWording
{
    /// <summary>The sentence a handle's facts make the whole description of (release while retained, closed while
    /// retained, finalized without Dispose); null for other facts.</summary>
    public static string? HandleDescription(Violation v) => v.Facts switch
    {
        HandleReleasedWhileRetainedFacts r =>
            $"The {r.HandleType} {ReportFormatter.Hex(v.Address)} was released by {Releaser(r.ReleasedBy)} while native code still retained it{Calls(r.CallsInFlight)}. " +
            "InteropGuard deferred the close of the OS handle until ReleasedByNative(); unguarded, native code would have used a closed (or already reused) handle.",
        HandleClosedWhileRetainedFacts c =>
            $"The {c.HandleType} {ReportFormatter.Hex(v.Address)} was closed while native code still retained it; found when native code let go at {c.LetGoAt}. " +
            "InteropGuard's reference deferred the close of the OS handle until then; unguarded, native code would have used a closed (or already reused) handle.",
        HandleFinalizedFacts f =>
            $"The {f.HandleType} {ReportFormatter.Hex(v.Address)} was never disposed: its finalizer released it. Forgot to Dispose() it?",
        _ => null,
    };

    /// <summary>The sentence appended to a description built from the common fields (an unmapped view's state, a handle
    /// closed during a call); null when the facts add none.</summary>
    public static string? Appended(Violation v) => v.Facts switch
    {
        ViewMappingFacts { StillMapped: true } =>
            "The view is still mapped by its accessor, so the access works for now; it faults or reads another mapping once the accessor is disposed.",
        ViewMappingFacts => "Nothing is mapped at the address now: a native access faults.",
        HandleClosedDuringCallFacts h =>
            $"The {h.HandleType} was closed (Dispose, Close or a finalizer) while the native call was still using it; " +
            "the marshaller's reference delayed the release until the call returned, so the handle value the call used is now closed.",
        _ => null,
    };

    /// <summary>What happened to the SafeHandle a raw <c>DangerousGetHandle()</c> argument came from (the formatter
    /// prefixes "P/Invoke argument 'p' (0x..) is the DangerousGetHandle() value of ").</summary>
    public static string RawHandle(RawHandleFacts f)
    {
        string what = $"a {f.HandleType} that ";
        return f.Unreachable
            ? what + "became unreachable during the call: nothing referenced it after DangerousGetHandle(), so the GC queued its finalizer while native code used the raw value. "
                + (f.Collected
                    ? "It was finalized and collected before the call returned; InteropGuard's reference kept its release from running under the call, and that release now never runs (the handle leaks)."
                    : "InteropGuard held a reference for the call, so the release waited until the call returned; unguarded, the finalizer would have closed the handle (or freed its memory) under native code.")
            : what + "was closed (Dispose or Close, on another thread) during the call; InteropGuard held a reference for the call, so the release waited until the call returned. Unguarded, native code would have used a closed (or already reused) handle.";
    }

    /// <summary>"the stub of a delegate of type X" for a callback called after its release; null otherwise.</summary>
    public static string? CallbackStub(Violation v) =>
        v.Facts is CallbackStubFacts c ? "the stub of a delegate of type " + c.DelegateType : null;

    /// <summary>"byte[4096]" for a pooled array; null otherwise.</summary>
    public static string? PooledArray(Violation v) => v.Facts is PooledArrayFacts p ? p.ArrayType : null;

    /// <summary>Why a CheckedHandle was rejected, after "CheckedHandle 0x..": "was freed 2.1 ms before this use", ...</summary>
    /// <param name="facts">The rejection.</param>
    /// <param name="cookie">The cookie.</param>
    /// <param name="sinceFree">Time since its Free, when known.</param>
    public static string RejectedHandle(RejectedHandleFacts facts, nint cookie, System.TimeSpan? sinceFree)
    {
        string action = facts.AtFree ? "this second Free" : "this use";
        return facts switch
        {
            { Freed: true } when sinceFree is { } t => $"was freed {ReportFormatter.Duration(t)} before {action}",
            { Freed: true } => $"was freed before {action} (its slot has been reused since)",
            _ when cookie == 0 => "is 0 (default(CheckedHandle)); it was never issued by CheckedHandle.Alloc",
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
