// FindingSite.cs: a source site of the target's site table as a finding carries it (who allocated, pinned or released a range).
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>A site of the target's shadow table: function, file and line (0 = unknown line).</summary>
/// <param name="Function">The function or member; empty if unknown.</param>
/// <param name="File">The source file; empty if unknown.</param>
/// <param name="Line">The line; 0 if unknown.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record FindingSite(string Function, string File, int Line)
{
    /// <summary>"File.cs:42" when a file is known, else the function, else "an unknown site".</summary>
    public string Short
    {
        get
        {
            if (File.Length > 0)
            {
                int slash = File.LastIndexOfAny(['/', '\\']);
                string name = slash >= 0 ? File[(slash + 1)..] : File;
                return Line > 0 ? name + ":" + Line : name;
            }

            return Function.Length > 0 ? Function : "an unknown site";
        }
    }
}
