// ValidatorFindingParser.cs: a validator `finding` line's object -> Violation (kind, value, holder, object, range, sites, evidence); runs on the validator reader thread.
using System;
using System.Text.Json;
using InteropGuard.Reporting;

namespace InteropGuard.Validation;

/// <summary>Builds a <see cref="Violation"/> (context Validator) from a finding object of the protocol
/// (docs/design/validator-protocol.md). Missing fields stay unknown (0 / null); only the kind is required.</summary>
internal static class ValidatorFindingParser
{
    /// <summary>The violation, or null when the kind is missing or unknown (then <paramref name="badKind"/> holds it,
    /// "(none)" when missing). <paramref name="foundBy"/> is the "found by ..." text of the report.</summary>
    public static Violation? ToViolation(JsonElement f, string foundBy, out string? badKind)
    {
        string? kindName = JsonFields.String(f, "kind");
        if (kindName is null || !ViolationKinds.TryParse(kindName, out ViolationKind kind))
        {
            badKind = kindName ?? "(none)";
            return null;
        }

        badKind = null;
        nint address = JsonFields.Address(f, "address");
        nint size = (nint)JsonFields.Int64(f, "size", 0);
        RangeKind rangeKind = ParseRangeKind(JsonFields.String(f, "rangeKind"));
        nint rangeStart = JsonFields.Address(f, "rangeStart");
        nint rangeSize = (nint)JsonFields.Int64(f, "rangeSize", 0);
        if (rangeKind == RangeKind.None)
        {
            rangeStart = 0; // a range without a (known) kind is not shown as one
            rangeSize = 0;
        }

        double? sinceMs = JsonFields.Double(f, "sinceReleaseMs");
        TimeSpan? since = sinceMs is { } ms && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : null;
        return new Violation(kind, ViolationContext.Validator, address, size, argument: null, accessSite: null,
            rangeKind, rangeStart, rangeSize,
            allocationSite: JsonFields.Site(f, "allocSite"),
            releaseSite: JsonFields.Site(f, "releaseSite"),
            sinceRelease: since,
            detail: JsonFields.Int64(f, "detail", 0),
            note: null,
            thread: new ThreadInfo(0, null, 0),
            time: null,
            holder: ParseHolder(f),
            managedObject: ParseObject(f, address),
            evidence: JsonFields.String(f, "evidence"),
            foundBy: foundBy,
            rangeFlags: rangeKind == RangeKind.None ? 0 : (uint)(ulong)JsonFields.Address(f, "rangeFlags")); // a string pin, a pooled array
    }

    /// <summary>"native-block", "managed-pin", ... as in the JSON report; unknown or missing = None.</summary>
    public static RangeKind ParseRangeKind(string? name) => name switch
    {
        "native-block" => RangeKind.NativeBlock,
        "managed-pin" => RangeKind.ManagedPin,
        "mapped-view" => RangeKind.MappedView,
        "callback" => RangeKind.Callback,
        "native-region" => RangeKind.NativeRegion,
        _ => RangeKind.None,
    };

    private static ViolationHolder? ParseHolder(JsonElement f)
    {
        string? kind = JsonFields.String(f, "holder");
        bool any = kind is not null || JsonFields.Has(f, "holderAddress") || JsonFields.Has(f, "holderStart") || JsonFields.Has(f, "library");
        if (!any)
        {
            return null;
        }

        nint word = JsonFields.Address(f, "holderAddress");
        nint start = JsonFields.Address(f, "holderStart");
        nint size = (nint)JsonFields.Int64(f, "holderSize", 0);
        long offset = JsonFields.Int64(f, "holderOffset", -1);
        if (offset < 0)
        {
            offset = word != 0 && start != 0 && (ulong)word >= (ulong)start ? (long)((ulong)word - (ulong)start) : 0;
        }

        return new ViolationHolder(kind ?? "", word, start, size, (nint)offset, JsonFields.Site(f, "holderSite"), JsonFields.String(f, "library"));
    }

    private static ViolationObject? ParseObject(JsonElement f, nint address)
    {
        if (!JsonFields.Has(f, "objectAddress") && !JsonFields.Has(f, "objectType"))
        {
            return null;
        }

        nint start = JsonFields.Address(f, "objectAddress");
        long offset = JsonFields.Int64(f, "objectOffset", -1);
        if (offset < 0)
        {
            offset = start != 0 && (ulong)address >= (ulong)start ? (long)((ulong)address - (ulong)start) : 0;
        }

        return new ViolationObject(start, JsonFields.String(f, "objectType"), (nint)JsonFields.Int64(f, "objectSize", 0), (nint)offset);
    }
}
