// CallbackTrampoline.cs: the state behind one GuardedCallback's wrapper delegate: the user's delegate, the released flag the wrapper tests on every call from native code, and the report of a call after release.
using System;
using System.Runtime.CompilerServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Reporting;

namespace InteropGuard.Callbacks;

/// <summary>What the wrapper delegate of a <see cref="GuardedCallback{T}"/> is bound to. Native code gets the marshalled
/// stub of the wrapper; every call through it runs <see cref="Enter"/> (one volatile read) and then the user's delegate.
/// After release the wrapper stays alive in the <see cref="CallbackQuarantine"/>, so a late call from native code lands
/// here, is reported as <c>collected-delegate-callback</c> and returns <c>default</c> instead of running freed code.</summary>
internal sealed class CallbackTrampoline
{
    private int _released;
    private SourceSite? _releaseSite;
    private ulong _releaseNs;

    public CallbackTrampoline(Delegate target, SourceSite created)
    {
        Target = target;
        Created = created;
    }

    /// <summary>The user's delegate (called while not released). Read by the generated wrapper.</summary>
    public readonly Delegate Target;

    /// <summary>Where Guard.Callback was called.</summary>
    public SourceSite Created { get; }

    /// <summary>The wrapper delegate native code calls (kept alive through this object while quarantined).</summary>
    public Delegate? Wrapper { get; set; }

    /// <summary>The function pointer native code holds.</summary>
    public nint Entry { get; set; }

    /// <summary>The CALLBACK range id (0 when untracked).</summary>
    public ulong Id { get; set; }

    /// <summary>True once the GuardedCallback was released.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Called by the wrapper on every call from native code: true = run the delegate; false = released (the call
    /// was reported; the wrapper returns default). Never throws.</summary>
    public bool Enter()
    {
        if (Volatile.Read(ref _released) == 0)
        {
            return true; // the common case: one volatile read
        }

        OnCalledAfterRelease();
        return false;
    }

    /// <summary>Marks the callback released (before its range is released, so no call slips between the two).</summary>
    public void MarkReleased(SourceSite? site)
    {
        _releaseSite = site;
        _releaseNs = GuardRuntime.MonotonicNs();
        Volatile.Write(ref _released, 1);
    }

    /// <summary>Dropped from the quarantine: nothing keeps the wrapper (and so the stub) alive any more.</summary>
    public void Evict() => Wrapper = null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnCalledAfterRelease()
    {
        try
        {
            Violation? v = CallbackCalledAfterReleaseCheck.Detect(this, _releaseSite, _releaseNs);
            if (v is not null)
            {
                Reporter.Report(v, throwOnReport: false); // never throw across the native frame that called us
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A report that fails must not take the native caller down; the call still returns default.
        }
    }
}
