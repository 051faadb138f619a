// CallSite.cs: the caller information of a checked entry point, turned into a SourceSite only when a violation needs one.
using InteropGuard.Shadow;

namespace InteropGuard.Checks;

/// <summary>Caller information carried to the slow path; interning happens only on a violation.</summary>
internal readonly struct CallSite
{
    public CallSite(string? argument, string member, string file, int line)
    {
        Argument = argument;
        Member = member;
        File = file;
        Line = line;
    }

    public string? Argument { get; }

    public string Member { get; }

    public string File { get; }

    public int Line { get; }

    /// <summary>Interns the site (and attaches the stack when capture_stacks=1, skipping this frame and the
    /// <paramref name="skipFrames"/> frames of InteropGuard above it).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public SourceSite ToSourceSite(int skipFrames) =>
        SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(Member, File, Line), skipFrames + 1);
}
