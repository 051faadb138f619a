// ReportFormatter.cs: the one place that turns a Violation into report text (headline, description, sites, hints, SUMMARY), switching on its shape record; pure, so golden tests can call it.
using System;
using System.Globalization;
using System.IO;
using System.Text;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>Violation → text. Pure: no I/O, no global state except the kind tables.</summary>
internal static class ReportFormatter
{
    /// <summary>The banner line that opens and closes every report.</summary>
    public const string Banner = "=================================================================";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><c>ERROR: InteropGuard: &lt;kind&gt; on address 0x.. [IGnnnn]</c>.</summary>
    public static string Headline(Violation v) =>
        $"ERROR: InteropGuard: {v.KindName} on address {Hex(v.Address)} [{v.Id}]";

    /// <summary>The whole text report, banners included, lines separated by '\n', ending with a newline.</summary>
    public static string Format(Violation v)
    {
        var sb = new StringBuilder(1024);
        sb.Append(Banner).Append('\n');
        sb.Append(Headline(v)).Append('\n');
        sb.Append(v.Description).Append('\n');
        if (v is ValidatorViolation finding)
        {
            ValidatorReportFormatter.AppendBody(sb, finding);
            ValidatorReportFormatter.AppendHints(sb, finding);
            AppendOptionHint(sb, v);
            sb.Append(Summary(v)).Append('\n');
            sb.Append(Banner).Append('\n');
            return sb.ToString();
        }

        sb.Append("  thread #").Append(v.ThreadId.ToString(Inv));
        if (!string.IsNullOrEmpty(v.ThreadName))
        {
            sb.Append(" \"").Append(v.ThreadName).Append('"');
        }

        sb.Append(" (OS tid ").Append(v.OsThreadId.ToString(Inv)).Append(")\n");
        (string access, string release, string alloc) = Headings(v);
        sb.Append(access).Append(":\n");
        AppendSite(sb, v.AccessSite);
        // A redzone found by a free has no release to show; a leak shows only the creation site (printed as the access site).
        bool accessOnly = v is FreeViolation { Kind: ViolationKind.NativeBufferOverflow } or HandleFinalizedViolation;
        if (!accessOnly && (v.ReleaseSite is not null || v.SinceRelease is not null))
        {
            sb.Append(release).Append(":\n");
            AppendSite(sb, v.ReleaseSite);
        }

        if ((v.AllocationSite is not null || v.RangeKind != RangeKind.None) && v is not HandleFinalizedViolation)
        {
            sb.Append(alloc).Append(":\n");
            AppendSite(sb, v.AllocationSite);
        }

        sb.Append("HINT: ").Append(Hint(v)).Append('\n');
        AppendOptionHint(sb, v);
        sb.Append(Summary(v)).Append('\n');
        sb.Append(Banner).Append('\n');
        return sb.ToString();
    }

    /// <summary>The site a report is filed under: the access site, or for a validator finding the holder's or range's site.</summary>
    public static SourceSite? PrimarySite(Violation v) => v switch
    {
        ValidatorViolation finding => ValidatorReportFormatter.PrimarySite(finding),
        CallbackCalledAfterReleaseViolation when v.AccessSite is null || v.AccessSite.File.Length == 0 => v.AllocationSite, // called from a native thread
        _ => v.AccessSite,
    };

    /// <summary><c>SUMMARY: InteropGuard: &lt;kind&gt; &lt;file&gt;:&lt;line&gt; in &lt;member&gt;</c> (shorter when the site is unknown).</summary>
    public static string Summary(Violation v)
    {
        SourceSite? s = PrimarySite(v);
        string head = "SUMMARY: InteropGuard: " + v.KindName;
        if (s is null || s.IsUnknown)
        {
            // A validator finding held in a library's data has no site: name the library, as ASan names the module.
            return v.Holder?.Library is { Length: > 0 } library ? head + " in the data of " + System.IO.Path.GetFileName(library) : head;
        }

        string where = s.File.Length == 0 ? "" : " " + s.FileName + ":" + s.Line.ToString(Inv);
        string member = s.Kind == SiteKind.Recorded && s.Member.Length == 0 ? "" : " in " + SiteWording.Member(s);
        return head + where + member;
    }

    /// <summary>The one-paragraph explanation under the headline: the shapes with a sentence of their own first, then the
    /// shapes worded from their range (a pointer at a call, a free, a damaged redzone, a native report).</summary>
    public static string Describe(Violation v)
    {
        switch (v)
        {
            case ValidatorViolation finding:
                return ValidatorReportFormatter.Describe(finding);
            case HandleReleasedWhileRetainedViolation or HandleClosedWhileRetainedViolation or HandleFinalizedViolation:
                return ShapeWording.HandleDescription(v);
            case RawHandleReleasedDuringCallViolation raw:
                return $"{Subject(v)} ({Hex(v.Address)}) is the DangerousGetHandle() value of {ShapeWording.RawHandle(raw)}";
            case InvalidHandleViolation rejected:
                return $"CheckedHandle {Hex(v.Address)} {ShapeWording.RejectedHandle(rejected)}.";
            case CallbackCalledAfterReleaseViolation called:
                string ago = v.SinceRelease is { } t ? Duration(t) + " " : "";
                return $"Native code called the callback at {Hex(v.Address)} (the stub of a delegate of type {called.DelegateType}) {ago}after its GuardedCallback was released. " +
                    "InteropGuard kept the callback's stub in its quarantine (callback_quarantine) and returned default without running the delegate; unguarded, native code would have called into freed memory.";
            case UnpinnedPointerAtCallViolation when v.ManagedObject is { } obj:
                string type = obj.TypeName ?? "an object of unknown type";
                return $"{Subject(v)} holds {Hex(v.Address)}, {obj.Offset.ToString(Inv)} bytes into {type} ({obj.Size.ToString(Inv)} bytes) at {Hex(obj.Address)}, " +
                    "which no fixed statement, pinned GCHandle, Guard.Pin or pinned object heap pins; the GC may move or free it while native code uses it.";
            case PooledArrayWrittenViolation or PooledArrayReturnedTwiceViolation or PooledArrayReturnedPinnedViolation:
                return DescribePool(v);
            default:
                return DescribeRange(v);
        }
    }

    /// <summary>The description of a shape worded from its kind and range.</summary>
    private static string DescribeRange(Violation v)
    {
        string subject = Subject(v);
        string range = RangeText(v);
        string since = Since(v.SinceRelease);
        string when = IsAtCall(v) ? "this call" : v is NativeReportedViolation ? "this access" : "this use";
        switch (v.Kind)
        {
            case ViolationKind.NativeUseAfterFree:
                return v.RangeKind == RangeKind.None
                    ? $"{subject} points into a native buffer that was freed."
                    : $"{subject} points {Where(v)} {range} that was freed {Ago(since, when)}.";
            case ViolationKind.NativeBufferOverflow:
                return DescribeOverflow(v, subject, range);
            case ViolationKind.DoubleFree:
                if (v.RangeKind == RangeKind.None)
                {
                    return $"Free of {Hex(v.Address)}: the native buffer was already freed.";
                }

                return v.Address == v.RangeStart
                    ? $"Free of {Hex(v.Address)}: the {RangeText(v, article: false)} was already freed {Ago(since, "this free")}."
                    : $"Free of {Hex(v.Address)}: it points {Where(v)} {range} that was already freed {Ago(since, "this free")}.";
            case ViolationKind.InvalidFree:
                if (v.RangeKind == RangeKind.None)
                {
                    return $"Free of {Hex(v.Address)}: the address was never returned by the InteropGuard allocator (NativeBuffer.Allocate / ig_malloc).";
                }

                if (v.RangeKind == RangeKind.NativeBlock && v.Address != v.RangeStart)
                {
                    return $"Free of {Hex(v.Address)}: it points {Where(v)} {range}; only the address the allocator returned ({Hex(v.RangeStart)}) may be freed.";
                }

                return $"Free of {Hex(v.Address)}: it points {Where(v)} {range}, which is not a block of the InteropGuard allocator.";
            case ViolationKind.UseAfterUnpin:
                return $"{subject} points {Where(v)} {range} that was released {Ago(since, when)}; the object is no longer pinned, so the GC may move it at any moment.";
            case ViolationKind.UseAfterUnmap:
                string unmapped = $"{subject} points {Where(v)} {range} that was unmapped {Ago(since, when)}.";
                return v is UnmappedViewAtCallViolation { StillMapped: { } still } ? unmapped + " " + ShapeWording.ViewState(still) : unmapped;
            case ViolationKind.ArrayPoolUseAfterReturn:
                return $"{subject} points {Where(v)} {range} that was returned to the pool {Ago(since, when)}; the pool may hand it to another renter at any moment.";
            case ViolationKind.CollectedDelegateCallback when (v.RangeFlags & IgConstants.FlagCallScoped) != 0:
                return $"{subject} is the entry of {range}, passed to native code for one call; its delegate was collected since. Native code kept the function pointer, and a call through it runs freed code.";
            case ViolationKind.CollectedDelegateCallback:
                return $"{subject} points {Where(v)} {range} whose delegate was released {Ago(since, when)}; native code may call into freed memory.";
            default:
                string text = v.RangeKind == RangeKind.None
                    ? $"{subject} ({Hex(v.Address)}) is involved in a {v.KindName} violation."
                    : $"{subject} points {Where(v)} {range}.";
                return v is HandleClosedDuringCallViolation closed ? text + " " + ShapeWording.ClosedDuringCall(closed) : text;
        }
    }

    /// <summary>The message of the exception a CheckedHandle throws when its <c>invalid-handle</c> is not reported: the
    /// description, and why no report was printed (the check is off, or a suppression matched).</summary>
    public static string Unreported(InvalidHandleViolation v, bool suppressed) =>
        $"CheckedHandle {Hex(v.Address)} {ShapeWording.RejectedHandle(v)} ({(suppressed ? "the report was suppressed" : "invalid-handle reports are off: detect_invalid_handle=0")}).";

    /// <summary>The three shapes of the guarded pool's own checks: a damaged poison, a second return, a pinned return.</summary>
    private static string DescribePool(Violation v)
    {
        string since = Since(v.SinceRelease);
        switch (v)
        {
            case PooledArrayWrittenViolation w:
                string finder = w.FoundByVerify ? "found by Verify" : "found when it left the pool's quarantine";
                string damaged = w.DamagedBytes == 1 ? "1 byte differs" : w.DamagedBytes.ToString(Inv) + " bytes differ";
                ulong offset = (ulong)v.Address - (ulong)v.RangeStart;
                return $"{Capitalized(RangeText(v))} ({w.ArrayType}) was returned to the pool {Ago(since, "this check")} and written after that: {damaged} from the poison, " +
                    $"the first at byte offset {offset.ToString(Inv)} ({finder}). Something still used the array after Return: an async read that completed late, or native code that kept the pointer.";
            case PooledArrayReturnedTwiceViolation t:
                string returned = v.SinceRelease is null ? "" : " " + since + " before this return";
                string where = t.State == PooledArrayState.Idle ? "it is back in the pool, not rented by anyone" : "it is still in the pool's quarantine";
                return $"Return of {Hex(v.RangeStart)}: {RangeText(v)} ({t.ArrayType}) was already returned{returned}; {where}. A second return would hand it to two renters at once.";
            default:
                string array = v is PooledArrayReturnedPinnedViolation p ? " (" + p.ArrayType + ")" : "";
                return $"Return of {Hex(v.RangeStart)}: {RangeText(v)}{array} is still pinned by a Guard.Pin that was not released; native code or I/O may still use it after the pool hands it to the next renter.";
        }
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The likely fix for a kind (the first HINT line).</summary>
    public static string Hint(Violation v) => v is ValidatorViolation finding ? ValidatorReportFormatter.Hint(finding) : BoundaryHint(v);

    private static void AppendOptionHint(StringBuilder sb, Violation v)
    {
        string option = ViolationKinds.GetOptionName(v.Kind);
        if (option.Length > 0)
        {
            sb.Append("HINT: to turn this check off set INTEROPGUARD_OPTIONS=").Append(option).Append("=0\n");
        }
    }

    /// <summary>The fix for a kind as found in this process (the validator words some kinds differently).</summary>
    internal static string BoundaryHint(Violation v) => v.Kind switch
    {
        ViolationKind.NativeUseAfterFree => "the buffer's owner was disposed while native code still used the pointer.",
        ViolationKind.NativeBufferOverflow when v is PointerAtCallViolation =>
            "the length passed with the pointer is larger than the buffer; check the size computation or allocate a larger buffer.",
        ViolationKind.NativeBufferOverflow => "native code wrote past the end of the buffer; check the length you pass to native code.",
        ViolationKind.DoubleFree => "free each buffer once: dispose the NativeBuffer or call NativeBuffer.Free, not both, and clear copies of the pointer after freeing.",
        ViolationKind.InvalidFree => "free only the pointer NativeBuffer.Allocate (or ig_malloc) returned, never an interior, managed or foreign pointer.",
        ViolationKind.UseAfterUnpin when (v.RangeFlags & IgConstants.FlagManagedString) != 0 =>
            "native code kept a pointer to a pinned string after the pin ended (the SQLITE_STATIC pattern): copy the text into memory native code may keep (NativeBuffer.FromString(text, Encoding.UTF8), disposed when native code is done), or keep the Pin until native code lets go of the pointer (RetainedByNative()).",
        ViolationKind.UseAfterUnpin => "keep the Pin alive (a using scope around every native use) or copy the data into a NativeBuffer; call RetainedByNative() if native code keeps the pointer.",
        ViolationKind.UnpinnedManagedPointer => "pin the object (Guard.Pin or fixed) for as long as native code holds the pointer.",
        ViolationKind.DanglingManagedPointer => "native code still holds a pointer to managed memory whose object is gone; clear the native copy before releasing the object.",
        ViolationKind.CollectedDelegateCallback when v is CallbackCalledAfterReleaseViolation =>
            "native code called the callback after its GuardedCallback was disposed: unregister the function pointer in native code first, and dispose the GuardedCallback after that (or keep it for as long as native code may call it).",
        ViolationKind.CollectedDelegateCallback when (v.RangeFlags & IgConstants.FlagCallScoped) != 0 =>
            "native code keeps the function pointer after the call: keep the delegate alive for as long as native code may call it (a field, or Guard.Callback(...) disposed after native code unregistered it), and mark the P/Invoke parameter [RetainedByNative].",
        ViolationKind.CollectedDelegateCallback =>
            "keep the delegate alive for as long as native code may call it: hold it in Guard.Callback(...) and dispose the GuardedCallback only after native code has unregistered the function pointer.",
        ViolationKind.InvalidHandle => "free each CheckedHandle once, and clear native copies of the cookie when you free it.",
        ViolationKind.ArrayPoolUseAfterReturn when v is PooledArrayReturnedTwiceViolation =>
            "return each rented array once, and drop your reference to it when you return it (for example set the field to null).",
        ViolationKind.ArrayPoolUseAfterReturn when v is PooledArrayReturnedPinnedViolation =>
            "release the Pin (after the native call or I/O that uses it has finished) before returning the array.",
        ViolationKind.ArrayPoolUseAfterReturn when v is PooledArrayWrittenViolation =>
            "await (or cancel and await) every read into a pooled array, and let native code finish with it, before you return it.",
        ViolationKind.ArrayPoolUseAfterReturn => "return a pooled array only after native code and async I/O are done with it; copy the data out if it must outlive the rent.",
        ViolationKind.HandleReleasedInUse when v is RawHandleReleasedDuringCallViolation =>
            "keep the SafeHandle reachable and open for the whole call: bracket the call with DangerousAddRef/DangerousRelease, put GC.KeepAlive(owner) after it, or declare the P/Invoke parameter as the SafeHandle type (the marshaller does both).",
        ViolationKind.HandleReleasedInUse when SiteWording.IsFinalizerThread(v.ReleaseSite) =>
            "a finalizer released the handle while native code used it: keep the handle's owner alive until the native use ends (GC.KeepAlive(this) after the call, or pass the SafeHandle itself instead of DangerousGetHandle()), and call ReleasedByNative() before the owner may be finalized.",
        ViolationKind.HandleReleasedInUse => "keep the SafeHandle open until native code stops using it: dispose it after the call returns or after ReleasedByNative() (GC.KeepAlive / DangerousAddRef around raw uses).",
        ViolationKind.LeakedPin when v is HandleFinalizedViolation =>
            "dispose the handle (a using scope, or the owner's Dispose) when you are done with it; the finalizer releases it at an unpredictable time, possibly while native code still uses it.",
        ViolationKind.UseAfterUnmap => "dispose the MappedView (and its accessor) only after native code stops using pointers into it; call RetainedByNative() on a view native code keeps.",
        ViolationKind.LeakedPin => "dispose pins and free handles when native code is done; long-lived pins fragment the GC heap.",
        _ => "see docs/checks for this kind.",
    };

    /// <summary>0x-prefixed lower-case hex.</summary>
    public static string Hex(nint value) => "0x" + ((ulong)value).ToString("x", Inv);

    /// <summary>Milliseconds with one decimal ("2.1 ms"), seconds from 10 s on.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalMilliseconds < 4 ? "< 4 ms" // below the resolution of the coarse clock ranges are stamped with
        : t.TotalMilliseconds < 10_000 ? t.TotalMilliseconds.ToString("0.0", Inv) + " ms" : t.TotalSeconds.ToString("0.0", Inv) + " s";

    /// <summary>Where the address lies relative to the range: "N bytes into", "N bytes past the end of", "N bytes before".</summary>
    public static string Where(Violation v) => Where(v.Address, v.RangeStart, v.RangeSize);

    /// <summary>Where <paramref name="address"/> lies relative to [start, start+size).</summary>
    public static string Where(nint address, nint start, nint size)
    {
        ulong a = (ulong)address, s = (ulong)start, end = s + (ulong)size;
        if (a < s)
        {
            return Bytes(s - a) + " before";
        }

        if (a >= end && size > 0)
        {
            return Bytes(a - end) + " past the end of";
        }

        return Bytes(a - s) + " into";
    }

    /// <summary>"a 256-byte native buffer [0x.., 0x..)".</summary>
    public static string RangeText(Violation v, bool article = true)
    {
        string size = ((ulong)v.RangeSize).ToString(Inv);
        string text = $"{size}-byte {Noun(v)} [{Hex(v.RangeStart)}, {Hex(v.RangeStart + v.RangeSize)})";
        return article ? (UsesAn(size) ? "an " : "a ") + text : text;
    }

    /// <summary>The noun of the range of <paramref name="v"/>: <see cref="Noun(RangeKind)"/>, or "pooled array" / "pinned
    /// string" when the range's flags say so.</summary>
    public static string Noun(Violation v) =>
        v.RangeKind == RangeKind.ManagedPin && (v.RangeFlags & IgConstants.FlagPooledArray) != 0 ? "pooled array"
        : v.RangeKind == RangeKind.ManagedPin && (v.RangeFlags & IgConstants.FlagManagedString) != 0 ? "pinned string"
        : Noun(v.RangeKind);

    /// <summary>"native buffer", "pinned managed range", ...</summary>
    public static string Noun(RangeKind kind) => kind switch
    {
        RangeKind.NativeBlock => "native buffer",
        RangeKind.ManagedPin => "pinned managed range",
        RangeKind.MappedView => "mapped view",
        RangeKind.Callback => "callback",
        RangeKind.NativeRegion => "native region",
        _ => "range",
    };

    private static string DescribeOverflow(Violation v, string subject, string range)
    {
        if (v.RangeKind == RangeKind.None)
        {
            return $"{subject} ({Hex(v.Address)}, {Bytes((ulong)v.Size)}) leaves a native buffer.";
        }

        if (v is not PointerAtCallViolation)
        {
            (string finder, long redzoneOffset) = v switch
            {
                DamagedRedzoneViolation d => ("found by Guard.Verify", d.RedzoneOffset),
                FreeViolation f => ("found when the buffer was freed", f.RedzoneOffset),
                NativeReportedViolation n => ("found by the native allocator", n.RedzoneOffset),
                _ => ("found by the native allocator", 0L),
            };
            if ((ulong)v.Address < (ulong)v.RangeStart)
            {
                return $"The left redzone of {range} was overwritten from {Bytes((ulong)v.RangeStart - (ulong)v.Address)} before its start ({finder}); native code wrote before the buffer.";
            }

            ulong rangeEnd = (ulong)v.RangeStart + (ulong)v.RangeSize;
            ulong past = (ulong)v.Address >= rangeEnd ? (ulong)v.Address - rangeEnd : (ulong)Math.Max(0, redzoneOffset);
            string at = past == 0 ? "from its first byte past the end" : "from " + Bytes(past) + " past its end";
            return $"The right redzone of {range} was overwritten {at} ({finder}); native code wrote beyond the buffer.";
        }

        ulong a = (ulong)v.Address, s = (ulong)v.RangeStart, end = s + (ulong)v.RangeSize;
        ulong accessEnd = a + (ulong)v.Size;
        if (a >= s && a < end)
        {
            ulong over = accessEnd < a ? ulong.MaxValue - end : accessEnd - end;
            return $"{subject} points {Bytes(a - s)} into {range}, but the access of {Bytes((ulong)v.Size)} ends {Bytes(over)} past its end.";
        }

        return $"{subject} points {Where(v)} {range} (access of {Bytes((ulong)v.Size)}).";
    }

    private static string Subject(Violation v) => v switch
    {
        _ when IsAtCall(v) => v.Argument is { Length: > 0 } arg ? $"P/Invoke argument '{arg}'" : "The pointer passed to Guard.Check",
        NativeReportedViolation => $"Native code used {Hex(v.Address)}, which",
        FreeViolation => $"Free of {Hex(v.Address)}",
        _ => $"The address {Hex(v.Address)}",
    };

    /// <summary>True for the shapes found at a call boundary (the subject is the P/Invoke argument).</summary>
    private static bool IsAtCall(Violation v) => v is PointerAtCallViolation or UnmappedViewAtCallViolation or UnpinnedPointerAtCallViolation
        or HandleClosedDuringCallViolation or RawHandleReleasedDuringCallViolation;

    private static (string Access, string Release, string Alloc) Headings(Violation v)
    {
        switch (v)
        {
            case CallbackCalledAfterReleaseViolation:
                return ("Running when native code called back (the managed caller of the native code, if any)", "Callback released by", "Callback created by");
            case HandleReleasedWhileRetainedViolation:
                return ("Native use still outstanding (retained by native code at)", "Handle released by", "Handle created by");
            case HandleClosedWhileRetainedViolation:
                return ("Native use still outstanding (retained by native code at)", "Handle released by", "Handle tracked by");
            case HandleFinalizedViolation:
                return ("Handle created by", "Handle released by", "Handle created by");
            case HandleClosedDuringCallViolation or RawHandleReleasedDuringCallViolation:
                return ("Call that used the handle", "Handle released by", "Handle created by");
        }

        string access = v switch
        {
            DamagedRedzoneViolation => "Found by Guard.Verify at",
            NativeReportedViolation => "Detected in native code at",
            InvalidHandleViolation h => h.AtFree ? "Free of the handle" : "Use of the handle",
            FreeViolation { Kind: ViolationKind.DoubleFree } => "Second free",
            FreeViolation { Kind: ViolationKind.InvalidFree } => "Invalid free",
            FreeViolation => "Free that found it",
            PooledArrayReturnedTwiceViolation => "Second return",
            PooledArrayReturnedPinnedViolation => "Return of the pinned array",
            PooledArrayWrittenViolation w => w.FoundByVerify ? "Found by Verify at" : "Found when the array left the quarantine, during the return at",
            _ => v.Kind switch
            {
                ViolationKind.NativeUseAfterFree => "Call that received the freed pointer",
                ViolationKind.NativeBufferOverflow => "Call that received the out-of-bounds pointer",
                ViolationKind.UseAfterUnpin => "Call that received the unpinned pointer",
                ViolationKind.UseAfterUnmap => "Call that received the unmapped pointer",
                ViolationKind.CollectedDelegateCallback => "Call that received the released callback",
                ViolationKind.ArrayPoolUseAfterReturn => "Call that received the returned array's pointer",
                _ => "Call that received the pointer",
            },
        };
        return v.Kind switch
        {
            ViolationKind.InvalidHandle => (access, "Handle freed by", "Handle issued by"),
            ViolationKind.DoubleFree => (access, "Buffer first freed by", "Buffer allocated by"),
            ViolationKind.ArrayPoolUseAfterReturn => v switch
            {
                PooledArrayReturnedTwiceViolation => (access, "Array first returned by", "Array rented by"),
                PooledArrayReturnedPinnedViolation => (access, "Still pinned by (Guard.Pin not released)", "Array rented by"),
                _ => (access, "Array returned by", "Array rented by"),
            },
            _ => v.RangeKind switch
            {
                RangeKind.ManagedPin => (access, "Pin released by", "Pinned by"),
                RangeKind.MappedView => (access, "View unmapped by", "View mapped by"),
                RangeKind.Callback => (access, "Callback released by", "Callback created by"),
                RangeKind.NativeRegion => (access, "Region released by", "Region registered by"),
                _ => (access, "Buffer freed by", "Buffer allocated by"),
            },
        };
    }

    private static void AppendSite(StringBuilder sb, SourceSite? site)
    {
        if (site?.Stack is { Length: > 0 } stack)
        {
            int frame = 0;
            foreach (string raw in stack.Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith("at ", StringComparison.Ordinal))
                {
                    line = line[3..];
                }

                int gap = line.LastIndexOf("  ", StringComparison.Ordinal);
                if (gap > 0)
                {
                    line = line[..gap] + "  " + Path.GetFileName(line[(gap + 2)..]); // file name only, as in #0 lines
                }

                sb.Append("  #").Append(frame++.ToString(Inv)).Append(' ').Append(line).Append('\n');
            }

            return;
        }

        sb.Append("  #0 ");
        if (site is null || site.IsUnknown)
        {
            sb.Append("<unknown>\n");
            return;
        }

        sb.Append(SiteWording.Member(site));
        if (site.File.Length > 0)
        {
            sb.Append("  ").Append(Path.GetFileName(site.File)).Append(':').Append(site.Line.ToString(Inv));
        }

        sb.Append('\n');
    }

    private static string Since(TimeSpan? t) => t is { } value ? Duration(value) : "";

    private static string Ago(string since, string when) => since.Length == 0 ? "before " + when : since + " before " + when;

    private static string Bytes(ulong n) => n == 1 ? "1 byte" : n.ToString(Inv) + " bytes";

    /// <summary>True when the number, read aloud, starts with a vowel sound ("an 8-byte", "an 11-byte").</summary>
    internal static bool UsesAn(string number)
    {
        if (number.StartsWith('8'))
        {
            return true; // eight, eighty, eight hundred, ...
        }

        // eleven, eighteen, eleven thousand, eighteen million, ...
        return number.Length % 3 == 2 && (number.StartsWith("11", StringComparison.Ordinal) || number.StartsWith("18", StringComparison.Ordinal));
    }
}
