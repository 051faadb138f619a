// Finding.cs: one problem a sweep found, with the protocol's fields, its evidence sentence and its JSON line.
using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace InteropGuard.Validator;

/// <summary>One finding of a sweep. Fields follow docs/design/validator-protocol.md; null means unknown (the JSON
/// line leaves the field out). Built by the sweep; reported once per <see cref="Sweeper"/> (see <see cref="Key"/>).</summary>
public sealed class Finding
{
    internal Finding(string kind, ulong address, string evidence)
    {
        Kind = kind;
        Address = address;
        Evidence = evidence;
    }

    /// <summary>The sweep id this finding belongs to (the protocol's <c>sweep</c>; 0 for timer sweeps).</summary>
    public long Sweep { get; internal set; }

    /// <summary>The number of the sweep that found it in its sweeper's life (the protocol's <c>n</c>; see <see cref="SweepResult.Number"/>).</summary>
    public long SweepNumber { get; internal set; }

    /// <summary>The kind string, e.g. <c>unpinned-managed-pointer</c> (<see cref="FindingKinds"/>).</summary>
    public string Kind { get; }

    /// <summary>The address involved: the value found in native memory (scans), the first damaged byte (redzones), or
    /// the range start (leaks, retained ranges).</summary>
    public ulong Address { get; }

    /// <summary>Bytes involved: 8 for a scanned word, the range size for range findings; null if unknown.</summary>
    public ulong? Size { get; internal set; }

    /// <summary>Where the word sits.</summary>
    public HolderKind Holder { get; internal set; }

    /// <summary>The word's own address (scans).</summary>
    public ulong? HolderAddress { get; internal set; }

    /// <summary>Start of the block, region or library data segment holding the word.</summary>
    public ulong? HolderStart { get; internal set; }

    /// <summary>Size of the holder.</summary>
    public ulong? HolderSize { get; internal set; }

    /// <summary>The word's offset in its holder.</summary>
    public ulong? HolderOffset { get; internal set; }

    /// <summary>Who allocated or registered the holding block or region.</summary>
    public FindingSite? HolderSite { get; internal set; }

    /// <summary>Holder = library data: the library's path.</summary>
    public string? Library { get; internal set; }

    /// <summary>The managed object the word points into (or that the range covers).</summary>
    public ulong? ObjectAddress { get; internal set; }

    /// <summary>Its type name.</summary>
    public string? ObjectType { get; internal set; }

    /// <summary>Its size in bytes.</summary>
    public ulong? ObjectSize { get; internal set; }

    /// <summary>The word's offset from the object's address.</summary>
    public ulong? ObjectOffset { get; internal set; }

    /// <summary>The shadow-table range involved (a released pin, a freed block, a leaked pin).</summary>
    public ulong? RangeId { get; internal set; }

    /// <summary>Its kind: native-block, managed-pin, mapped-view, callback, native-region.</summary>
    public string? RangeKind { get; internal set; }

    /// <summary>Its <c>IG_RANGE_F_*</c> flags of the managed runtime (0x10000 a pinned string, 0x20000 a pooled array); null
    /// or 0 when none (the JSON line leaves 0 out).</summary>
    public uint? RangeFlags { get; internal set; }

    /// <summary>Its first user byte.</summary>
    public ulong? RangeStart { get; internal set; }

    /// <summary>Its user bytes.</summary>
    public ulong? RangeSize { get; internal set; }

    /// <summary>Where the range was allocated or pinned.</summary>
    public FindingSite? AllocSite { get; internal set; }

    /// <summary>Where it was freed or released.</summary>
    public FindingSite? ReleaseSite { get; internal set; }

    /// <summary>Milliseconds since it was freed or released (or, for leaks, since it was made).</summary>
    public double? SinceReleaseMs { get; internal set; }

    /// <summary><c>native-buffer-overflow</c>: the signed distance of the first damaged byte (0 = first byte past the
    /// end, -N = N bytes before the start), as <c>ig_violation_t.detail</c>.</summary>
    public long? Detail { get; internal set; }

    /// <summary>One sentence: where the word sits, its value and what it points at (the report prints it under the headline).</summary>
    public string Evidence { get; }

    /// <summary>The identity a finding is reported once by: (kind, holder address, value) for scans, (kind, range id) for ranges.</summary>
    public string Key => HolderAddress is ulong at
        ? string.Create(CultureInfo.InvariantCulture, $"{Kind}|{at:x}|{Address:x}")
        : string.Create(CultureInfo.InvariantCulture, $"{Kind}|range|{RangeId ?? Address:x}");

    /// <summary>The protocol line: <c>{"ev":"finding",...}</c> without a trailing newline.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("ev", "finding");
            w.WriteNumber("sweep", Sweep);
            w.WriteNumber("n", SweepNumber);
            w.WriteString("kind", Kind);
            w.WriteString("address", Hex(Address));
            WriteNumber(w, "size", Size);
            w.WriteString("holder", HolderName(Holder));
            WriteHex(w, "holderAddress", HolderAddress);
            WriteHex(w, "holderStart", HolderStart);
            WriteNumber(w, "holderSize", HolderSize);
            WriteNumber(w, "holderOffset", HolderOffset);
            WriteSite(w, "holderSite", HolderSite);
            if (Library is not null)
            {
                w.WriteString("library", Library);
            }

            WriteHex(w, "objectAddress", ObjectAddress);
            if (ObjectType is not null)
            {
                w.WriteString("objectType", ObjectType);
            }

            WriteNumber(w, "objectSize", ObjectSize);
            WriteNumber(w, "objectOffset", ObjectOffset);
            WriteHex(w, "rangeId", RangeId);
            if (RangeKind is not null)
            {
                w.WriteString("rangeKind", RangeKind);
            }

            if (RangeFlags is uint flags && flags != 0)
            {
                w.WriteString("rangeFlags", Hex(flags));
            }

            WriteHex(w, "rangeStart", RangeStart);
            WriteNumber(w, "rangeSize", RangeSize);
            WriteSite(w, "allocSite", AllocSite);
            WriteSite(w, "releaseSite", ReleaseSite);
            if (SinceReleaseMs is double since)
            {
                w.WriteNumber("sinceReleaseMs", Math.Round(since, 1));
            }

            if (Detail is long detail)
            {
                w.WriteNumber("detail", detail);
            }

            w.WriteString("evidence", Evidence);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => Kind + ": " + Evidence;

    /// <summary>The protocol's spelling of a holder kind.</summary>
    /// <param name="holder">The holder kind.</param>
    public static string HolderName(HolderKind holder) => holder switch
    {
        HolderKind.NativeBlock => "native-block",
        HolderKind.NativeRegion => "native-region",
        HolderKind.LibraryData => "library-data",
        HolderKind.NativeHeap => "native-heap",
        _ => "range",
    };

    internal static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static void WriteHex(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is ulong v)
        {
            w.WriteString(name, Hex(v));
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is ulong v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteSite(Utf8JsonWriter w, string name, FindingSite? site)
    {
        if (site is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("function", site.Function);
        w.WriteString("file", site.File);
        w.WriteNumber("line", site.Line);
        w.WriteEndObject();
    }
}
