// SarifReportFormatter.cs: violations → one SARIF 2.1.0 document (report_format=sarif rewrites it whole on each report).
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InteropGuard;

/// <summary>SARIF 2.1.0: one run, driver <c>InteropGuard</c>, one rule per kind seen, one result per violation. Pure.</summary>
internal static class SarifReportFormatter
{
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
                w.WriteStartObject();
                w.WriteString("id", ViolationKinds.GetId(kind));
                w.WriteString("name", ViolationKinds.GetName(kind));
                w.WriteStartObject("shortDescription");
                w.WriteString("text", ViolationKinds.GetName(kind));
                w.WriteEndObject();
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", "error");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (Violation v in violations)
            {
                WriteResult(w, v, rules.IndexOf(v.Kind));
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteResult(Utf8JsonWriter w, Violation v, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", v.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", "error");
        w.WriteStartObject("message");
        w.WriteString("text", ReportFormatter.Headline(v) + "\n" + v.Description);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        if (v.AccessSite is { IsUnknown: false } access)
        {
            w.WriteStartObject();
            WritePhysical(w, access);
            WriteLogical(w, access);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("relatedLocations");
        int id = 1;
        if (v.AllocationSite is { IsUnknown: false } alloc)
        {
            WriteRelated(w, id++, "allocated, pinned or issued here", alloc);
        }

        if (v.ReleaseSite is { IsUnknown: false } release)
        {
            WriteRelated(w, id, "freed or released here", release);
        }

        w.WriteEndArray();
        w.WriteStartObject("properties");
        w.WriteString("kind", v.KindName);
        w.WriteString("address", ReportFormatter.Hex(v.Address));
        w.WriteNumber("size", (long)v.Size);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRelated(Utf8JsonWriter w, int id, string text, SourceSite site)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteStartObject("message");
        w.WriteString("text", text + (site.Member.Length > 0 ? " (" + site.Member + ")" : ""));
        w.WriteEndObject();
        WritePhysical(w, site);
        w.WriteEndObject();
    }

    private static void WritePhysical(Utf8JsonWriter w, SourceSite site)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", Uri(site.File));
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

    private static string Uri(string file)
    {
        if (file.Length == 0)
        {
            return "unknown";
        }

        try
        {
            return Path.IsPathRooted(file) ? new Uri(file).AbsoluteUri : file.Replace('\\', '/');
        }
        catch (UriFormatException)
        {
            return file;
        }
    }
}
