// JsonReportFormatter.cs: Violation → one JSON object (report_format=json writes one per line); Utf8JsonWriter, no reflection.
using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>JSON forms of violations. Pure.</summary>
internal static class JsonReportFormatter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>One JSON object on one line (no trailing newline): kind, id, address, size, argument, description,
    /// thread, accessSite, allocationSite, releaseSite, range, sinceReleaseMs, time, foundBy, evidence, holder,
    /// object (the last three null unless the validator found it).</summary>
    public static string FormatLine(Violation v)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            Write(w, v);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the violation object.</summary>
    public static void Write(Utf8JsonWriter w, Violation v)
    {
        w.WriteStartObject();
        w.WriteString("kind", v.KindName);
        w.WriteString("id", v.Id);
        w.WriteString("address", ReportFormatter.Hex(v.Address));
        w.WriteNumber("size", (long)v.Size);
        if (v.Argument is null)
        {
            w.WriteNull("argument");
        }
        else
        {
            w.WriteString("argument", v.Argument);
        }

        w.WriteString("description", v.Description);
        w.WriteStartObject("thread");
        w.WriteNumber("id", v.ThreadId);
        if (v.ThreadName is null)
        {
            w.WriteNull("name");
        }
        else
        {
            w.WriteString("name", v.ThreadName);
        }

        w.WriteNumber("osTid", v.OsThreadId);
        w.WriteEndObject();
        WriteSite(w, "accessSite", v.AccessSite);
        WriteSite(w, "allocationSite", v.AllocationSite);
        WriteSite(w, "releaseSite", v.ReleaseSite);
        w.WriteStartObject("range");
        w.WriteString("kind", RangeKindName(v.RangeKind));
        w.WriteString("start", ReportFormatter.Hex(v.RangeStart));
        w.WriteNumber("size", (long)v.RangeSize);
        w.WriteEndObject();
        if (v.SinceRelease is { } since)
        {
            w.WriteNumber("sinceReleaseMs", Math.Round(since.TotalMilliseconds, 3));
        }
        else
        {
            w.WriteNull("sinceReleaseMs");
        }

        w.WriteString("time", v.Time.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("foundBy", FoundByName(v));
        WriteNullable(w, "evidence", v.Evidence);
        WriteHolder(w, v.Holder);
        WriteObject(w, v.ManagedObject);
        w.WriteEndObject();
    }

    /// <summary>Where a shape is found, as the reports' <c>foundBy</c> field: "call", "free", "verify", "handle-use",
    /// "handle-free", "native", "validator", "pool-return", "pool-quarantine", "pool-verify", "callback-invoke",
    /// "handle-release", "handle-released-by-native", "handle-finalized".</summary>
    public static string FoundByName(Violation v) => v switch
    {
        PointerAtCallViolation or UnmappedViewAtCallViolation or UnpinnedPointerAtCallViolation
            or HandleClosedDuringCallViolation or RawHandleReleasedDuringCallViolation => "call",
        FreeViolation => "free",
        DamagedRedzoneViolation => "verify",
        InvalidHandleViolation h => h.AtFree ? "handle-free" : "handle-use",
        NativeReportedViolation => "native",
        ValidatorViolation => "validator",
        PooledArrayReturnedTwiceViolation or PooledArrayReturnedPinnedViolation => "pool-return",
        PooledArrayWrittenViolation w => w.FoundByVerify ? "pool-verify" : "pool-quarantine",
        CallbackCalledAfterReleaseViolation => "callback-invoke",
        HandleReleasedWhileRetainedViolation => "handle-release",
        HandleClosedWhileRetainedViolation => "handle-released-by-native",
        HandleFinalizedViolation => "handle-finalized",
        _ => "unknown",
    };

    private static void WriteHolder(Utf8JsonWriter w, ViolationHolder? h)
    {
        if (h is null)
        {
            w.WriteNull("holder");
            return;
        }

        w.WriteStartObject("holder");
        w.WriteString("kind", h.Kind);
        w.WriteString("address", ReportFormatter.Hex(h.Address));
        w.WriteString("start", ReportFormatter.Hex(h.Start));
        w.WriteNumber("size", (long)h.Size);
        w.WriteNumber("offset", (long)h.Offset);
        WriteSite(w, "site", h.Site);
        WriteNullable(w, "library", h.Library);
        w.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter w, ViolationObject? o)
    {
        if (o is null)
        {
            w.WriteNull("object");
            return;
        }

        w.WriteStartObject("object");
        w.WriteString("address", ReportFormatter.Hex(o.Address));
        WriteNullable(w, "type", o.TypeName);
        w.WriteNumber("size", (long)o.Size);
        w.WriteNumber("offset", (long)o.Offset);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>"native-block", "managed-pin", ... ("none" when no range is known).</summary>
    public static string RangeKindName(RangeKind kind) => kind switch
    {
        RangeKind.NativeBlock => "native-block",
        RangeKind.ManagedPin => "managed-pin",
        RangeKind.MappedView => "mapped-view",
        RangeKind.Callback => "callback",
        RangeKind.NativeRegion => "native-region",
        _ => "none",
    };

    private static void WriteSite(Utf8JsonWriter w, string name, SourceSite? site)
    {
        if (site is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("member", site.Member);
        if (site.Kind != SiteKind.Recorded)
        {
            w.WriteString("note", SiteWording.Note(site.Kind)); // a stand-in (no member) or a Dispose on the finalizer thread
        }

        w.WriteString("file", site.File);
        w.WriteNumber("line", site.Line);
        if (site.Stack is null)
        {
            w.WriteNull("stack");
        }
        else
        {
            w.WriteString("stack", site.Stack);
        }

        w.WriteEndObject();
    }
}
