// CallerSite.cs: a SourceSite from the stack, for entry points that cannot take caller information (Dispose, property getters); costs µs, so used only on rare paths.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace InteropGuard;

/// <summary>Finds the first frame outside InteropGuard and interns it as a site.</summary>
internal static class CallerSite
{
    private static readonly string? OwnAssembly = typeof(CallerSite).Assembly.FullName;

    /// <summary>The nearest caller outside this assembly (member = Type.Method), or an unknown site.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceSite FromStack(string fallbackMember)
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

                string type = method.DeclaringTypeName;
                int dot = type.LastIndexOf('.');
                string member = type.Length == 0 ? method.Name : type[(dot + 1)..] + "." + method.Name;
                string file = frame.GetFileName() ?? "";
                SourceSite site = SiteRegistry.Get(member, file, frame.GetFileLineNumber());
                return GuardRuntime.Options.CaptureStacks ? site.WithStack(trace.ToString().TrimEnd()) : site;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Fall through to an unknown site.
        }

        return SiteRegistry.Get(fallbackMember, "", 0);
    }
}
