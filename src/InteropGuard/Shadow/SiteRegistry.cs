// SiteRegistry.cs: interns source sites natively (ig_site_intern) once per (file, line, member) and maps ids back to SourceSite.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using InteropGuard.Native;

namespace InteropGuard.Shadow;

/// <summary>Site interning and lookup. Interning costs one dictionary lookup after the first time; the native id lets
/// the validator read the site from the shadow table later.</summary>
internal static unsafe class SiteRegistry
{
    private static readonly ConcurrentDictionary<SiteKey, SourceSite> s_byKey = new();
    private static readonly ConcurrentDictionary<uint, SourceSite> s_byId = new();
    private static readonly ConcurrentDictionary<SiteKey, SourceSite> s_byReference = new(ReferenceKeyComparer.Instance);
    private const int MaxReferenceEntries = 1 << 16;

    // The last sites looked up from caller information, direct-mapped by line and the strings' lengths: an explicit
    // lifetime call (Guard.Pin, Release, CheckedHandle.Alloc/Free, a pool's Rent/Return) finds its site with one array
    // read and three compares instead of a dictionary lookup that hashes both strings' identities (~25 ns a lookup, the largest
    // managed cost of a CheckedHandle's life cycle). Entries are immutable; a collision replaces the entry.
    private const int CallerCacheSize = 1024;
    private static readonly CallerEntry?[] s_callerCache = new CallerEntry?[CallerCacheSize];

    /// <summary>The site for caller information from a public entry point. Caller-info strings are literals, so the
    /// lookup is by reference (no string hashing): a direct-mapped cache first, then a dictionary; other strings fall
    /// back to <see cref="Get"/>.</summary>
    public static SourceSite GetFromCaller(string member, string file, int line)
    {
        if (member is not null && file is not null)
        {
            int slot = (line * 31 + member.Length * 7 + file.Length) & (CallerCacheSize - 1);
            CallerEntry? entry = s_callerCache[slot];
            if (entry is not null && entry.Line == line && ReferenceEquals(entry.File, file) && ReferenceEquals(entry.Member, member))
            {
                return entry.Site;
            }

            SourceSite found = GetFromCallerSlow(member, file, line);
            s_callerCache[slot] = new CallerEntry(file, line, member, found);
            return found;
        }

        return GetFromCallerSlow(member ?? "", file ?? "", line);
    }

    private static SourceSite GetFromCallerSlow(string member, string file, int line)
    {
        var key = new SiteKey(file ?? "", line, member ?? "");
        if (s_byReference.TryGetValue(key, out SourceSite? site))
        {
            return site;
        }

        site = Get(member ?? "", file ?? "", line);
        if (s_byReference.Count < MaxReferenceEntries)
        {
            s_byReference.TryAdd(key, site);
        }

        return site;
    }

    private static readonly ConcurrentDictionary<string, SourceSite> s_unrecorded = new();

    // The last stand-in handed out, by the type name's reference: a `using` of a Pin finds its site with one compare
    // instead of hashing the name (callers pass nameof(...) literals).
    private static UnrecordedEntry? s_lastUnrecorded;

    /// <summary>The stand-in release site of a parameterless <c>Dispose()</c> of <paramref name="typeName"/> (one per
    /// type, interned natively so reports read from the table say the same).</summary>
    public static SourceSite UnrecordedDispose(string typeName)
    {
        UnrecordedEntry? last = s_lastUnrecorded;
        if (last is not null && ReferenceEquals(last.TypeName, typeName))
        {
            return last.Site;
        }

        SourceSite site = UnrecordedDisposeSlow(typeName);
        s_lastUnrecorded = new UnrecordedEntry(typeName, site);
        return site;
    }

    private static SourceSite UnrecordedDisposeSlow(string typeName) => s_unrecorded.GetOrAdd(typeName, static type =>
    {
        string member = type + ".Dispose() (call site not recorded: call Release() instead, or set capture_stacks=1)";
        uint id = GuardRuntime.Enabled ? IgNative.ig_site_intern("", 0, member) : 0;
        var site = new SourceSite(member, "", 0, null, id, unrecorded: true);
        if (id != 0)
        {
            s_byId.TryAdd(id, site);
        }

        return site;
    });

    /// <summary>Interns the site and returns its native id (0 when unguarded or the site table is full).</summary>
    public static uint Intern(string member, string file, int line) => GetFromCaller(member, file, line).Id;

    /// <summary>The interned site for caller information (interned natively when the runtime is enabled).</summary>
    public static SourceSite Get(string member, string file, int line)
    {
        var key = new SiteKey(file ?? "", line, member ?? "");
        if (s_byKey.TryGetValue(key, out SourceSite? site))
        {
            return site;
        }

        return InternSlow(key);
    }

    /// <summary>The site for a native id: the managed original when this process interned it (full path), else the
    /// native record (tail of the path); null for 0 or unknown ids.</summary>
    public static SourceSite? Resolve(uint id)
    {
        if (id == 0)
        {
            return null;
        }

        if (s_byId.TryGetValue(id, out SourceSite? site))
        {
            return site;
        }

        if (!GuardRuntime.Enabled)
        {
            return null;
        }

        IgSite native;
        if (IgNative.ig_site_get(id, &native) != IgStatus.Ok)
        {
            return null;
        }

        string function = Utf8(native.Function, 120);
        string file = Utf8(native.File, 128);
        site = new SourceSite(function, file, (int)native.Line, null, id);
        s_byId.TryAdd(id, site);
        return site;
    }

    /// <summary>A site with the current stack attached when capture_stacks=1 (skipFrames counted from the caller).</summary>
    public static SourceSite WithStackIfCaptured(SourceSite site, int skipFrames) =>
        GuardRuntime.Options.CaptureStacks ? site.WithStack(CaptureStack(skipFrames + 1)) : site;

    /// <summary>The current managed stack as text, without InteropGuard's own frames (costs tens of µs).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static string CaptureStack(int skipFrames)
    {
        _ = skipFrames;
        try
        {
            return StackText(new StackTrace(1, true));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "   (stack unavailable: " + e.Message + ")";
        }
    }

    /// <summary>The frames of <paramref name="trace"/> outside this assembly, one <c>Type.Method  /full/path.cs:line</c> line each.</summary>
    public static string StackText(StackTrace trace)
    {
        var sb = new System.Text.StringBuilder();
        string? own = typeof(SiteRegistry).Assembly.FullName;
        foreach (StackFrame frame in trace.GetFrames())
        {
            DiagnosticMethodInfo? method = DiagnosticMethodInfo.Create(frame);
            if (method is not null && string.Equals(method.DeclaringAssemblyName, own, StringComparison.Ordinal))
            {
                continue;
            }

            sb.Append(FrameName(method));
            string? file = frame.GetFileName();
            if (!string.IsNullOrEmpty(file))
            {
                sb.Append("  ").Append(file).Append(':').Append(frame.GetFileLineNumber().ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary><c>Type.Method</c>, or the method alone when it has no declaring type: a dynamic method, such as the
    /// stub reflection invokes a method with arguments through (NUnit's <c>[TestCase]</c>), reports a null type name.</summary>
    private static string FrameName(DiagnosticMethodInfo? method)
    {
        string? name = method?.Name;
        if (string.IsNullOrEmpty(name))
        {
            return "<unknown>";
        }

        string? type = method!.DeclaringTypeName;
        return string.IsNullOrEmpty(type) ? name : type + "." + name;
    }

    private static SourceSite InternSlow(SiteKey key)
    {
        uint id = 0;
        if (GuardRuntime.Enabled)
        {
            id = IgNative.ig_site_intern(key.File, (uint)Math.Max(0, key.Line), key.Member);
        }

        var site = new SourceSite(key.Member, key.File, key.Line, null, id);
        SourceSite winner = s_byKey.GetOrAdd(key, site);
        if (winner.Id != 0)
        {
            s_byId.TryAdd(winner.Id, winner);
        }

        return winner;
    }

    private static string Utf8(byte* text, int max)
    {
        int length = 0;
        while (length < max && text[length] != 0)
        {
            length++;
        }

        return Marshal.PtrToStringUTF8((nint)text, length) ?? "";
    }

    private readonly record struct SiteKey(string File, int Line, string Member);

    private sealed record CallerEntry(string File, int Line, string Member, SourceSite Site);

    private sealed record UnrecordedEntry(string TypeName, SourceSite Site);

    /// <summary>Compares keys by string identity (literals from caller information are interned).</summary>
    private sealed class ReferenceKeyComparer : System.Collections.Generic.IEqualityComparer<SiteKey>
    {
        public static readonly ReferenceKeyComparer Instance = new();

        public bool Equals(SiteKey x, SiteKey y) =>
            x.Line == y.Line && ReferenceEquals(x.File, y.File) && ReferenceEquals(x.Member, y.Member);

        public int GetHashCode(SiteKey key) =>
            System.HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.File), key.Line,
                System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Member));
    }
}
