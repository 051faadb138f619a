// CallerSite.cs: a SourceSite from the stack, for entry points that cannot take caller information (Dispose, property getters); costs µs, so used only on rare paths.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using InteropGuard.Shadow;

namespace InteropGuard.Checks;

/// <summary>Finds the first frame outside InteropGuard and interns it as a site.</summary>
internal static class CallerSite
{
    private static readonly string? OwnAssembly = typeof(CallerSite).Assembly.FullName;

    /// <summary>The release site a parameterless <c>Dispose()</c> of <paramref name="typeName"/> records. Naming the
    /// caller costs a stack walk (~14 µs, on the path every <c>using</c> takes), so it is done only with
    /// capture_stacks=1; otherwise the site is a stand-in whose text tells the user how to get the real one.
    /// Violations found while disposing walk the stack anyway (see <see cref="Resolve"/>): that path is rare.</summary>
    public static SourceSite ForDispose(string typeName) =>
        GuardRuntime.Options.CaptureStacks ? FromStack(typeName + ".Dispose") : SiteRegistry.UnrecordedDispose(typeName);

    /// <summary><paramref name="site"/>, or the real caller when it is the stand-in of <see cref="ForDispose"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceSite Resolve(SourceSite site, string fallbackMember) => site.IsUnrecorded ? Find(fallbackMember, requireSource: false) : site;

    /// <summary>The nearest caller outside this assembly (member = Type.Method, compiler-generated names cleaned up),
    /// or <paramref name="fallbackMember"/> with no file. With capture_stacks=1 the full stack is attached.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceSite FromStack(string fallbackMember) => Find(fallbackMember, requireSource: false);

    /// <summary>The nearest caller outside this assembly that has source: frames without a file (P/Invoke stubs,
    /// native transitions) and generated marshalling code (<c>*.g.cs</c>) are skipped, so a violation found inside
    /// native code names the user's method that made the P/Invoke call. Costs a full stack walk: rare paths only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceSite FromStackWithSource(string fallbackMember) => Find(requireSource: true) ?? SiteRegistry.Get(fallbackMember, "", 0);

    /// <summary>As <see cref="FromStackWithSource(string)"/>, with the stand-in site of <paramref name="fallback"/> when no
    /// frame has source.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceSite FromStackWithSource(SiteKind fallback) => Find(requireSource: true) ?? SourceSite.StandIn(fallback);

    private static SourceSite Find(string fallbackMember, bool requireSource) => Find(requireSource) ?? SiteRegistry.Get(fallbackMember, "", 0);

    /// <summary>The nearest caller outside this assembly (with source when <paramref name="requireSource"/>); null when none.</summary>
    private static SourceSite? Find(bool requireSource)
    {
        try
        {
            var trace = new StackTrace(1, true);
            foreach (StackFrame frame in trace.GetFrames())
            {
                DiagnosticMethodInfo? method = DiagnosticMethodInfo.Create(frame);
                if (method is null || string.Equals(method.DeclaringAssemblyName, OwnAssembly, StringComparison.Ordinal))
                {
                    continue;
                }

                string? file = frame.GetFileName();
                if (requireSource && (string.IsNullOrEmpty(file) || file.EndsWith(".g.cs", StringComparison.Ordinal)))
                {
                    continue;
                }

                // A dynamic method (a reflection stub, emitted IL) has no declaring type: its name stands alone.
                string member = Clean(method.DeclaringTypeName ?? "", method.Name ?? "");
                SourceSite site = SiteRegistry.Get(member, file ?? "", frame.GetFileLineNumber());
                return GuardRuntime.Options.CaptureStacks ? site.WithStack(SiteRegistry.StackText(trace)) : site;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Fall through to the caller's fallback.
        }

        return null;
    }

    /// <summary><c>Type.Method</c> from a full type name and a method name; lambdas and local functions
    /// (<c>Outer+&lt;&gt;c.&lt;Main&gt;b__0_1</c>, <c>&lt;Run&gt;g__Local|0_0</c>) become <c>Outer.Main</c> / <c>Outer.Local</c>.</summary>
    internal static string Clean(string typeName, string methodName)
    {
        string type = typeName;
        string method = methodName;
        int plus = type.IndexOf("+<", StringComparison.Ordinal);
        if (plus >= 0)
        {
            // Closure or state-machine class: Outer+<>c, Outer+<>c__DisplayClass0_0, Outer+<Run>d__3.
            string nested = type[(plus + 1)..];
            type = type[..plus];
            int close = nested.IndexOf('>', StringComparison.Ordinal);
            if (method == "MoveNext" && close > 1)
            {
                method = nested[1..close];
            }
        }

        int dot = type.LastIndexOfAny(['.', '+']);
        type = type[(dot + 1)..];
        if (method.StartsWith('<'))
        {
            int local = method.IndexOf(">g__", StringComparison.Ordinal);
            int lambda = method.IndexOf(">b__", StringComparison.Ordinal);
            if (local > 0)
            {
                int bar = method.IndexOf('|', local);
                method = bar > local ? method[(local + 4)..bar] : method[1..local];
            }
            else if (lambda > 0)
            {
                method = method[1..lambda];
            }
        }

        return type.Length == 0 ? method : type + "." + method;
    }
}
