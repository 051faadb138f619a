// ValidatorFindingParser.cs: a validator `finding` line's object -> Violation (kind, value, holder, object, range, sites, evidence); runs on the validator reader thread.
using System;
using System.Text.Json;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Violations;

namespace InteropGuard.Validation;

/// <summary>Builds a <see cref="ValidatorViolation"/> from a finding line of the protocol
/// (docs/design/validator-protocol.md), read by <see cref="FindingJson"/>. Missing fields stay unknown (0 / null); only
/// the kind is required. The evidence sentence is worded here, in the target, by <see cref="FindingEvidence"/>.</summary>
internal static class ValidatorFindingParser
{
    /// <summary>The violation, or null when the kind is missing or unknown (then <paramref name="badKind"/> holds it,
    /// "(none)" when missing). <paramref name="origin"/> is the sweep that found it.</summary>
    public static Violation? ToViolation(JsonElement line, SweepOrigin origin, out string? badKind)
    {
        Finding? f = FindingJson.Read(line);
        string? kindName = f?.Kind;
        if (f is null || kindName is null || !ViolationKinds.TryParse(kindName, out ViolationKind kind))
        {
            badKind = kindName ?? "(none)";
            return null;
        }

        badKind = null;
        nint address = (nint)(f.Address ?? 0);
        RangeKind rangeKind = ParseRangeKind(f.RangeKind);
        nint rangeStart = rangeKind == RangeKind.None ? 0 : (nint)(f.RangeStart ?? 0); // a range without a (known) kind is not shown as one
        nint rangeSize = rangeKind == RangeKind.None ? 0 : (nint)(f.RangeSize ?? 0);
        TimeSpan? since = f.SinceReleaseMs is { } ms && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : null;
        return new ValidatorViolation(kind, address, origin)
        {
            Size = (nint)(f.Size ?? 0),
            Range = new TrackedRange(rangeKind, rangeStart, rangeSize, rangeKind == RangeKind.None ? 0 : (uint)(f.RangeFlags ?? 0)), // a string pin, a pooled array
            AllocationSite = Site(f.AllocSite),
            ReleaseSite = Site(f.ReleaseSite),
            SinceRelease = since,
            Thread = new ThreadInfo(0, null, 0),
            Holder = Holder(f),
            ManagedObject = Object(f, address),
            Evidence = FindingEvidence.Of(f),
        };
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

    private static SourceSite? Site(FindingSite? site) => site is null ? null : new SourceSite(site.Function, site.File, site.Line);

    private static ViolationHolder? Holder(Finding f)
    {
        if (f.Holder is null && f.HolderAddress is null && f.HolderStart is null && f.Library is null)
        {
            return null;
        }

        ulong word = f.HolderAddress ?? 0;
        ulong start = f.HolderStart ?? 0;
        ulong offset = f.HolderOffset ?? (word != 0 && start != 0 && word >= start ? word - start : 0);
        return new ViolationHolder(f.Holder ?? "", (nint)word, (nint)start, (nint)(f.HolderSize ?? 0), (nint)offset, Site(f.HolderSite), f.Library);
    }

    private static ViolationObject? Object(Finding f, nint address)
    {
        if (f.ObjectAddress is null && f.ObjectType is null)
        {
            return null;
        }

        ulong start = f.ObjectAddress ?? 0;
        ulong offset = f.ObjectOffset ?? (start != 0 && (ulong)address >= start ? (ulong)address - start : 0);
        return new ViolationObject((nint)start, f.ObjectType, (nint)(f.ObjectSize ?? 0), (nint)offset);
    }
}
