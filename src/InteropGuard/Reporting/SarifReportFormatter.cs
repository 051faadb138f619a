// SarifReportFormatter.cs: violations → one SARIF 2.1.0 document (report_format=sarif rewrites it whole on each report).
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InteropGuard.Reporting;

/// <summary>SARIF 2.1.0: one run, driver <c>InteropGuard</c>, one rule per kind seen, one result per violation. Source
/// files inside a git repository are given relative to it under the base id <c>SRCROOT</c> (declared in the run's
/// <c>originalUriBaseIds</c>), which is what code-scanning tools map onto the repository; other files get absolute
/// <c>file://</c> URIs. Pure apart from finding the repository root.</summary>
internal static class SarifReportFormatter
{
    private const string RootId = "SRCROOT";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>The whole document for <paramref name="violations"/>.</summary>
    public static string Format(IReadOnlyList<Violation> violations)
    {
        var rules = new List<ViolationKind>();
        foreach (Violation v in violations)
        {
            if (!rules.Contains(v.Kind))
            {
                rules.Add(v.Kind);
            }
        }

        string? root = RootOf(violations);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "InteropGuard");
            w.WriteString("version", typeof(SarifReportFormatter).Assembly.GetName().Version?.ToString() ?? "0.1.0");
            w.WriteStartArray("rules");
            foreach (ViolationKind kind in rules)
            {
                Violation example = FirstOf(violations, kind);
                w.WriteStartObject();
                w.WriteString("id", ViolationKinds.GetId(kind));
                w.WriteString("name", ViolationKinds.GetName(kind));
                w.WriteStartObject("shortDescription");
                w.WriteString("text", ViolationKinds.GetName(kind));
                w.WriteEndObject();
                w.WriteStartObject("help");
                string hint = ReportFormatter.Hint(example);
                w.WriteString("text", char.ToUpperInvariant(hint[0]) + hint[1..] + " To turn this check off set INTEROPGUARD_OPTIONS="
                    + ViolationKinds.GetOptionName(kind) + "=0.");
                w.WriteEndObject();
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", "error");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            WriteRoot(w, root);
            w.WriteStartArray("results");
            foreach (Violation v in violations)
            {
                WriteResult(w, v, rules.IndexOf(v.Kind), root);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Violation FirstOf(IReadOnlyList<Violation> violations, ViolationKind kind)
    {
        foreach (Violation v in violations)
        {
            if (v.Kind == kind)
            {
                return v;
            }
        }

        throw new InvalidOperationException("a rule without a result");
    }

    /// <summary>Declares SRCROOT when any site lies in a repository (the first root found; sites under another root
    /// keep absolute URIs).</summary>
    private static void WriteRoot(Utf8JsonWriter w, string? root)
    {
        if (root is null)
        {
            return;
        }

        w.WriteStartObject("originalUriBaseIds");
        w.WriteStartObject(RootId);
        w.WriteString("uri", new Uri(root).AbsoluteUri);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string? RootOf(IReadOnlyList<Violation> violations)
    {
        foreach (Violation v in violations)
        {
            foreach (SourceSite? site in new[] { v.AccessSite, v.Holder?.Site, v.AllocationSite, v.ReleaseSite })
            {
                if (site is not null && SourceRoot.Of(site.File) is { } root)
                {
                    return root;
                }
            }
        }

        return null;
    }

    private static void WriteResult(Utf8JsonWriter w, Violation v, int ruleIndex, string? root)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", v.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", "error");
        w.WriteStartObject("message");
        w.WriteString("text", ReportFormatter.Headline(v) + "\n" + v.Description);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        if (ReportFormatter.PrimarySite(v) is { IsUnknown: false } access)
        {
            w.WriteStartObject();
            WritePhysical(w, access, root);
            WriteLogical(w, access);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("relatedLocations");
        int id = 1;
        if (v.Holder?.Site is { IsUnknown: false } holder)
        {
            WriteRelated(w, id++, "the memory holding the pointer was allocated here", holder, root);
        }

        if (v.AllocationSite is { IsUnknown: false } alloc)
        {
            WriteRelated(w, id++, "allocated, pinned or issued here", alloc, root);
        }

        if (v.ReleaseSite is { IsUnknown: false } release)
        {
            WriteRelated(w, id, "freed or released here", release, root);
        }

        w.WriteEndArray();
        w.WriteStartObject("properties");
        w.WriteString("kind", v.KindName);
        w.WriteString("address", ReportFormatter.Hex(v.Address));
        w.WriteNumber("size", (long)v.Size);
        w.WriteString("foundBy", JsonReportFormatter.FoundByName(v));
        if (v.Evidence is { } evidence)
        {
            w.WriteString("evidence", evidence);
        }

        if (v.Holder is { } h)
        {
            w.WriteString("holderKind", h.Kind);
            w.WriteString("holderAddress", ReportFormatter.Hex(h.Address));
            if (h.Library is { } library)
            {
                w.WriteString("library", library);
            }
        }

        if (v.ManagedObject is { } o)
        {
            w.WriteString("objectAddress", ReportFormatter.Hex(o.Address));
            if (o.TypeName is { } type)
            {
                w.WriteString("objectType", type);
            }
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRelated(Utf8JsonWriter w, int id, string text, SourceSite site, string? root)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteStartObject("message");
        w.WriteString("text", text + (site.Member.Length > 0 || site.Kind != SiteKind.Recorded ? " (" + SiteWording.Member(site) + ")" : ""));
        w.WriteEndObject();
        WritePhysical(w, site, root);
        w.WriteEndObject();
    }

    private static void WritePhysical(Utf8JsonWriter w, SourceSite site, string? root)
    {
        if (site.File.Length == 0)
        {
            return; // a member without a file (native code, a Dispose() whose caller was not recorded): no location
        }

        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        WriteUri(w, site.File, root);
        w.WriteEndObject();
        if (site.Line > 0)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", site.Line);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteLogical(Utf8JsonWriter w, SourceSite site)
    {
        if (site.Member.Length == 0)
        {
            return;
        }

        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", site.Member);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteUri(Utf8JsonWriter w, string file, string? runRoot)
    {
        string? root = SourceRoot.Of(file);
        if (root is not null && root == runRoot)
        {
            w.WriteString("uri", Uri.EscapeDataString(file[root.Length..].Replace('\\', '/')).Replace("%2F", "/", StringComparison.Ordinal));
            w.WriteString("uriBaseId", RootId);
            return;
        }

        try
        {
            w.WriteString("uri", Path.IsPathRooted(file) ? new Uri(file).AbsoluteUri : file.Replace('\\', '/'));
        }
        catch (UriFormatException)
        {
            w.WriteString("uri", file);
        }
    }
}
