// ValidatorReportFormatter.cs: the text of a validator finding (evidence, holder, object, range sites, hints); ReportFormatter calls it for a ValidatorViolation.
using System.Globalization;
using System.Text;
using InteropGuard.Native;
using InteropGuard.Protocol;
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>Validator finding → report text. Pure. The shape, under the usual headline:
/// <code>
/// &lt;evidence sentence&gt;
///   found by the validator (pid N) in ...
/// Held in:
///   8 bytes into a 64-byte native block [a, b) (the word at 0x..)
/// Holding block allocated by:
///   #0 member  file:line
/// Object:
///   System.Byte[] (1048 bytes) at 0x..; the pointer is 16 bytes into it
/// Range:
///   a 1024-byte pinned managed range [a, b), released 12.5 ms before the sweep
/// Pinned by: / Released by:
///   #0 ...
/// HINT: ...
/// SUMMARY: InteropGuard: kind file:line in member   (the holder's site, else the range's)
/// </code></summary>
internal static class ValidatorReportFormatter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The site a finding is filed under (SUMMARY, SARIF location, dedupe, suppressions): the allocation of the
    /// holding block, else the range's allocation, else its release; null when none is known.</summary>
    public static SourceSite? PrimarySite(ValidatorViolation v)
    {
        if (v.Holder?.Site is { IsUnknown: false } holder)
        {
            return holder;
        }

        if (v.AllocationSite is { IsUnknown: false } alloc)
        {
            return alloc;
        }

        return v.ReleaseSite is { IsUnknown: false } release ? release : null;
    }

    /// <summary>The description: the validator's evidence sentence, or one built from the fields it sent, e.g.
    /// "The word at 0x.. (8 bytes into a 64-byte native block [a, b)) holds 0x.., which points 16 bytes into
    /// System.Byte[] (1048 bytes) at 0x..".</summary>
    public static string Describe(ValidatorViolation v)
    {
        if (!string.IsNullOrWhiteSpace(v.Evidence))
        {
            return v.Evidence.Trim();
        }

        var sb = new StringBuilder();
        string value = ReportFormatter.Hex(v.Address);
        if (v.Holder is { } h)
        {
            string place = HolderPlace(h);
            if (h.Address != 0)
            {
                sb.Append("The word at ").Append(ReportFormatter.Hex(h.Address)).Append(place.Length > 0 ? " (" + place + ")" : "");
            }
            else
            {
                sb.Append(place.Length > 0 ? char.ToUpperInvariant(place[0]) + place[1..] : "Native memory");
            }

            sb.Append(" holds ").Append(value);
        }
        else
        {
            sb.Append("The validator found ").Append(value);
        }

        if (v.ManagedObject is { } o)
        {
            sb.Append(", which points ").Append(Bytes((ulong)o.Offset)).Append(" into ").Append(ObjectText(o));
        }
        else if (v.RangeKind != RangeKind.None)
        {
            sb.Append(", which points ").Append(ReportFormatter.Where(v)).Append(' ').Append(ReportFormatter.RangeText(v));
            if (v.ReleaseSite is not null || v.SinceRelease is not null)
            {
                sb.Append(" that was released");
                if (v.SinceRelease is { } since)
                {
                    sb.Append(' ').Append(ReportFormatter.Duration(since)).Append(" before the sweep");
                }
            }
        }
        else if (v.Kind == ViolationKind.DanglingManagedPointer)
        {
            sb.Append(", which points into managed memory where no live object is");
        }

        return sb.Append('.').ToString();
    }

    /// <summary>Appends everything between the description and the HINT lines.</summary>
    public static void AppendBody(StringBuilder sb, ValidatorViolation v)
    {
        sb.Append("  found by ").Append(FoundBy(v.Origin)).Append('\n');
        if (v.Holder is { } h)
        {
            sb.Append("Held in:\n  ").Append(HolderText(h)).Append('\n');
            if (h.Site is { IsUnknown: false } site)
            {
                sb.Append(HolderSiteHeading(h.Kind)).Append(":\n");
                AppendSite(sb, site);
            }
        }

        if (v.ManagedObject is { } o)
        {
            sb.Append("Object:\n  ").Append(ObjectText(o)).Append("; the pointer is ").Append(Bytes((ulong)o.Offset)).Append(" into it\n");
        }

        if (v.RangeKind != RangeKind.None)
        {
            sb.Append("Range:\n  ").Append(ReportFormatter.RangeText(v));
            if (v.SinceRelease is { } since)
            {
                sb.Append(", released ").Append(ReportFormatter.Duration(since)).Append(" before the sweep");
            }

            sb.Append('\n');
        }

        (string alloc, string release) = RangeHeadings(v.RangeKind);
        if (v.AllocationSite is { } allocSite)
        {
            sb.Append(alloc).Append(":\n");
            AppendSite(sb, allocSite);
        }

        if (v.ReleaseSite is { } releaseSite)
        {
            sb.Append(release).Append(":\n");
            AppendSite(sb, releaseSite);
        }
    }

    /// <summary>The "found by" text: "the validator (pid 12) in sweep 3 (timer)", "interopguard attach (pid 40) in sweep 2 of
    /// process 12", ...</summary>
    public static string FoundBy(SweepOrigin origin)
    {
        if (origin is AttachSweepOrigin a)
        {
            return "interopguard attach (pid " + a.ToolPid.ToString(Inv) + ") in sweep " + a.Number.ToString(Inv) + " of process " + a.TargetPid.ToString(Inv);
        }

        if (origin is not TargetSweepOrigin t)
        {
            return "the validator";
        }

        string who = "the validator (pid " + t.Pid.ToString(Inv) + ")";
        long shown = t.Number > 0 ? t.Number : t.SweepId;
        string numbered = shown > 0 ? who + " in sweep " + shown.ToString(Inv) : who;
        return t switch
        {
            { SweepId: 0 } => t.Number > 0 ? numbered + " (timer)" : who + " in a timer sweep",
            { Reason: null } => numbered, // a sweep this process no longer waits for
            { Reason: ValidatorRequest.Exit } => numbered + " (the exit sweep)",
            { Reason: ValidatorRequest.Start } => numbered + " (at start-up, before Main)",
            { AskedAt: { IsUnknown: false } site } => numbered + ", asked for by Guard.Validate in " + site,
            _ => numbered + ", asked for by Guard.Validate",
        };
    }

    /// <summary>The HINT lines before the one naming the detect_ option.</summary>
    public static void AppendHints(StringBuilder sb, ValidatorViolation v)
    {
        sb.Append("HINT: ").Append(Hint(v)).Append('\n');
        if (v.Holder is not null)
        {
            SourceSite? site = PrimarySite(v);
            string pattern = site is null ? "<function or file>" : site.Member.Length > 0 ? site.Member : site.FileName;
            sb.Append("HINT: the scan is conservative: if the word is not really a pointer, silence it with INTEROPGUARD_OPTIONS=suppressions=FILE and the line ")
                .Append(v.KindName).Append(':').Append(pattern).Append(" in FILE\n");
        }
    }

    /// <summary>The likely fix for a validator finding.</summary>
    public static string Hint(ValidatorViolation v) => v.Kind switch
    {
        ViolationKind.UnpinnedManagedPointer =>
            "keep the array pinned with a GCHandle (GCHandleType.Pinned) or Guard.Pin(...).RetainedByNative() until native code lets go of the pointer, or copy the data into a NativeBuffer.",
        ViolationKind.DanglingManagedPointer =>
            "the object has moved or died while native code kept the pointer: keep it pinned with a GCHandle or Guard.Pin(...).RetainedByNative() until native code lets go, or copy the data into a NativeBuffer.",
        ViolationKind.UseAfterUnpin when (v.RangeFlags & IgConstants.FlagManagedString) != 0 =>
            "native code still holds a pointer into a pinned string whose pin was released (the SQLITE_STATIC pattern): copy the text into memory native code may keep (NativeBuffer.FromString(text, Encoding.UTF8), disposed when native code is done), or keep the Pin (RetainedByNative()) until native code lets go.",
        ViolationKind.UseAfterUnpin when (v.RangeFlags & IgConstants.FlagCallScoped) != 0 =>
            "native code kept a pointer to an argument the marshaller pinned only for the call: pin it yourself for as long as native code keeps it (a pinned GCHandle, or Guard.Pin(...).RetainedByNative(), released when native code lets go), allocate it on the pinned object heap (GC.AllocateArray(length, pinned: true)), or pass a NativeBuffer instead.",
        ViolationKind.UseAfterUnpin =>
            "native code still holds a pointer into a pin that was released: keep the Pin alive (RetainedByNative()) until native code lets go, or copy the data into a NativeBuffer.",
        ViolationKind.UseAfterUnmap =>
            "native code still holds a pointer into a mapped view that was released: dispose the MappedView only after native code lets go of it (RetainedByNative() on a view native code keeps), or copy the bytes it needs.",
        ViolationKind.NativeUseAfterFree => "native memory still holds a pointer to a freed buffer: clear that copy when you free the buffer, or free it later.",
        _ => ReportFormatter.BoundaryHint(v),
    };

    /// <summary>The "Held in:" line: where the word sits, then the word's address.</summary>
    private static string HolderText(ViolationHolder h)
    {
        string place = HolderPlace(h);
        if (place.Length == 0)
        {
            place = "memory the validator did not name";
        }

        return h.Address != 0 ? place + " (the word at " + ReportFormatter.Hex(h.Address) + ")" : place;
    }

    /// <summary>"8 bytes into a 64-byte native block [a, b)", "the data (.data/.bss) of /lib/x.so", "a native region".</summary>
    private static string HolderPlace(ViolationHolder h)
    {
        if (h.Kind == "library-data")
        {
            string lib = "the data (.data/.bss) of " + (h.Library ?? "a library");
            return h.Start != 0 && h.Size != 0
                ? lib + ", " + Bytes((ulong)h.Offset) + " into [" + ReportFormatter.Hex(h.Start) + ", " + ReportFormatter.Hex(h.Start + h.Size) + ")"
                : lib;
        }

        if (h.Kind == "native-heap" && h.Start != 0)
        {
            // a block a native library allocated itself: name the library that holds the pointer
            string bytes = ((ulong)h.Size).ToString(Inv);
            string owner = h.Library is null ? "a native library's heap"
                : h.Library.EndsWith(".dll", System.StringComparison.OrdinalIgnoreCase) ? "native memory managed code allocated (NativeMemory, Marshal.AllocHGlobal)"
                : System.IO.Path.GetFileName(h.Library) + "'s heap";
            return Bytes((ulong)h.Offset) + " into " + (ReportFormatter.UsesAn(bytes) ? "an " : "a ") + bytes + "-byte block of " + owner + " ["
                + ReportFormatter.Hex(h.Start) + ", " + ReportFormatter.Hex(h.Start + h.Size) + ")";
        }

        string noun = h.Kind switch
        {
            "native-heap" => "native-heap block",
            "native-block" => "native block",
            "native-region" => "native region",
            "range" => "tracked range",
            "" => "",
            _ => h.Kind,
        };
        if (noun.Length == 0)
        {
            return "";
        }

        if (h.Start == 0 || h.Size == 0)
        {
            return "a " + noun;
        }

        string size = ((ulong)h.Size).ToString(Inv);
        string article = ReportFormatter.UsesAn(size) ? "an " : "a ";
        return Bytes((ulong)h.Offset) + " into " + article + size + "-byte " + noun + " [" + ReportFormatter.Hex(h.Start) + ", "
            + ReportFormatter.Hex(h.Start + h.Size) + ")";
    }

    private static string ObjectText(ViolationObject o)
    {
        string text = o.TypeName ?? "an object";
        if (o.Size > 0)
        {
            text += " (" + Bytes((ulong)o.Size) + ")";
        }

        return o.Address != 0 ? text + " at " + ReportFormatter.Hex(o.Address) : text;
    }

    private static string HolderSiteHeading(string kind) => kind switch
    {
        "native-region" => "Holding region registered by",
        "range" => "Holding range created by",
        _ => "Holding block allocated by",
    };

    private static (string Alloc, string Release) RangeHeadings(RangeKind kind) => kind switch
    {
        RangeKind.ManagedPin => ("Pinned by", "Released by"),
        RangeKind.MappedView => ("View mapped by", "View unmapped by"),
        RangeKind.Callback => ("Callback created by", "Callback released by"),
        RangeKind.NativeRegion => ("Region registered by", "Region released by"),
        RangeKind.NativeBlock => ("Buffer allocated by", "Buffer freed by"),
        _ => ("Allocated by", "Released by"),
    };

    private static void AppendSite(StringBuilder sb, SourceSite site) => sb.Append("  #0 ").Append(site.ToString()).Append('\n');

    private static string Bytes(ulong n) => n == 1 ? "1 byte" : n.ToString(Inv) + " bytes";
}
