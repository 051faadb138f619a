// SiteWording.cs: the words of a SourceSite's member slot in reports: the recorded member, or the sentence of a stand-in site (SiteKind); used by the text, JSON and SARIF formatters and by suppressions.
namespace InteropGuard.Reporting;

/// <summary>SiteKind → words. Pure; the checks pass stand-in sites, never sentences.</summary>
internal static class SiteWording
{
    /// <summary>The member as a report prints it: the recorded member (<c>&lt;unknown&gt;</c> when it is empty), with
    /// " (on the finalizer thread)" for a Dispose an owner's finalizer ran, or the sentence of a stand-in.</summary>
    public static string Member(SourceSite site) => site.Kind switch
    {
        SiteKind.Recorded => site.Member.Length == 0 ? "<unknown>" : site.Member,
        SiteKind.OnFinalizerThread => (site.Member.Length == 0 ? "<unknown>" : site.Member) + " (on the finalizer thread)",
        SiteKind.NativeCode => Note(site.Kind),
        _ => "(" + Note(site.Kind) + ")",
    };

    /// <summary>What a site of <paramref name="kind"/> stands for, in a phrase (the JSON <c>note</c> field); empty for
    /// <see cref="SiteKind.Recorded"/>.</summary>
    public static string Note(SiteKind kind) => kind switch
    {
        SiteKind.OnFinalizerThread => "on the finalizer thread",
        SiteKind.FinalizerOfUndisposedHandle => "the GC's finalizer thread: nothing disposed the handle or kept its owner alive",
        SiteKind.FinalizerOfUnreachableHandle => "the GC's finalizer thread: nothing kept the SafeHandle reachable during the call",
        SiteKind.UnnamedHandleCloser => "Dispose, Close or a finalizer; a plain SafeHandle does not say which: derive from GuardedSafeHandle to name it",
        SiteKind.NativeThreadWithoutCaller => "native code on a thread with no managed caller",
        SiteKind.NativeCode => "native code",
        _ => "",
    };

    /// <summary>True when the site says the GC's finalizer thread released the handle (its own finalizer, or an owner's
    /// finalizer that disposed it).</summary>
    public static bool IsFinalizerThread(SourceSite? site) =>
        site is { Kind: SiteKind.OnFinalizerThread or SiteKind.FinalizerOfUndisposedHandle or SiteKind.FinalizerOfUnreachableHandle };
}
