// SourceSite.cs: where something happened (an allocation, a pin, a release, a free or the access that found a bug).
using System.IO;
using InteropGuard.Reporting;

namespace InteropGuard;

/// <summary>A place in the source: a member, a file and a line, optionally with a full stack
/// (<c>capture_stacks=1</c>). Sites come from caller information, so they are free to collect.</summary>
public sealed class SourceSite
{
    internal SourceSite(string member, string file, int line, string? stack = null, uint id = 0, bool unrecorded = false, SiteKind kind = SiteKind.Recorded)
    {
        Kind = kind;
        Member = member ?? "";
        File = file ?? "";
        Line = line;
        Stack = stack;
        Id = id;
        IsUnrecorded = unrecorded;
    }

    /// <summary>The calling member (from <c>[CallerMemberName]</c>, or the function name of a native site);
    /// the empty string when unknown.</summary>
    public string Member { get; }

    /// <summary>The full path of the source file (native sites may keep only the tail of the path); the empty
    /// string when unknown.</summary>
    public string File { get; }

    /// <summary>The 1-based line; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The full managed stack at the event when <c>capture_stacks=1</c> (costs tens of µs per event);
    /// null otherwise.</summary>
    public string? Stack { get; }

    /// <summary>The native site id (<c>ig_site_intern</c>); 0 when not interned.</summary>
    internal uint Id { get; }

    /// <summary>The file name without its directory; the empty string when unknown.</summary>
    internal string FileName => File.Length == 0 ? "" : Path.GetFileName(File);

    /// <summary>True for the stand-in a plain <c>Dispose()</c> records instead of its caller (naming the caller would
    /// cost a stack walk); <see cref="Member"/> then says how to get the real site.</summary>
    internal bool IsUnrecorded { get; }

    /// <summary>What the site stands for: a recorded place, or a stand-in the formatters word (its
    /// <see cref="Member"/> and <see cref="File"/> are then empty).</summary>
    internal SiteKind Kind { get; }

    /// <summary>True when neither member nor file is known and the site is no stand-in.</summary>
    internal bool IsUnknown => Kind == SiteKind.Recorded && Member.Length == 0 && File.Length == 0;

    /// <summary>The stand-in of <paramref name="kind"/>: no member, no file, no native id.</summary>
    internal static SourceSite StandIn(SiteKind kind) => kind switch
    {
        SiteKind.FinalizerOfUndisposedHandle => FinalizerOfUndisposed,
        SiteKind.FinalizerOfUnreachableHandle => FinalizerOfUnreachable,
        SiteKind.UnnamedHandleCloser => UnnamedCloser,
        SiteKind.NativeThreadWithoutCaller => NativeThread,
        SiteKind.NativeCode => Native,
        _ => new SourceSite("", "", 0, kind: kind),
    };

    private static readonly SourceSite FinalizerOfUndisposed = new("", "", 0, kind: SiteKind.FinalizerOfUndisposedHandle);
    private static readonly SourceSite FinalizerOfUnreachable = new("", "", 0, kind: SiteKind.FinalizerOfUnreachableHandle);
    private static readonly SourceSite UnnamedCloser = new("", "", 0, kind: SiteKind.UnnamedHandleCloser);
    private static readonly SourceSite NativeThread = new("", "", 0, kind: SiteKind.NativeThreadWithoutCaller);
    private static readonly SourceSite Native = new("", "", 0, kind: SiteKind.NativeCode);

    /// <summary>This recorded site marked as run on the finalizer thread (<see cref="SiteKind.OnFinalizerThread"/>).</summary>
    internal SourceSite OnFinalizerThread() => new(Member, File, Line, Stack, Id, IsUnrecorded, SiteKind.OnFinalizerThread);

    internal SourceSite WithStack(string? stack) => stack is null ? this : new SourceSite(Member, File, Line, stack, Id, IsUnrecorded, Kind);

    /// <summary>Returns <c>member  file:line</c> (file name only), the sentence of a stand-in (for example the GC's
    /// finalizer thread), or <c>&lt;unknown&gt;</c>.</summary>
    public override string ToString()
    {
        if (IsUnknown)
        {
            return "<unknown>";
        }

        string member = SiteWording.Member(this);
        return File.Length == 0 ? member : member + "  " + FileName + ":" + Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
