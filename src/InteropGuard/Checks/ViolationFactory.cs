// ViolationFactory.cs: turns a native ig_violation_t snapshot into a managed Violation (range, sites, times).
using System;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard.Checks;

/// <summary>Builds <see cref="Violation"/>s from native data. Detection only; no reporting.</summary>
internal static class ViolationFactory
{
    /// <summary>A violation from the native record; null when its kind is NONE. <paramref name="detectedNs"/> is when the
    /// problem was found (<see cref="GuardRuntime.MonotonicNs"/>); 0 = now. Callers that do slow work before this call (a
    /// stack walk) pass the time they took first, so "freed N ms before" does not include the sanitizer's own time.</summary>
    public static Violation? FromNative(in IgViolation native, ViolationContext context, string? argument, SourceSite? accessSite,
        ViolationKind? kindOverride = null, string? note = null, ulong detectedNs = 0)
    {
        ulong now = detectedNs != 0 ? detectedNs : GuardRuntime.MonotonicNs();
        ViolationKind kind = kindOverride ?? (ViolationKind)native.Kind;
        if (kind == ViolationKind.None)
        {
            return null;
        }

        accessSite ??= SiteRegistry.Resolve(native.AccessSite);
        RangeKind rangeKind = RangeKind.None;
        nint start = 0, size = 0;
        SourceSite? alloc = null, release = null;
        TimeSpan? since = null;
        uint flags = 0;
        if (native.HasRange != 0)
        {
            ref readonly IgRange r = ref native.Range;
            rangeKind = r.Kind <= 5 ? (RangeKind)r.Kind : RangeKind.None;
            start = (nint)r.Start;
            size = (nint)r.Size;
            flags = r.Flags;
            alloc = WithStack(SiteRegistry.Resolve(r.AllocSite), StackStore.Alloc(r.Id));
            if (r.State is IgConstants.StateFreed or IgConstants.StateReleased)
            {
                release = WithStack(SiteRegistry.Resolve(r.ReleaseSite), StackStore.Release(r.Id));
                if (r.ReleaseTimeNs != 0)
                {
                    ulong delta = now > r.ReleaseTimeNs ? now - r.ReleaseTimeNs : 0;
                    since = TimeSpan.FromTicks((long)(delta / 100));
                }
            }
        }

        return new Violation(kind, context, (nint)native.Address, (nint)native.Size, argument, accessSite, rangeKind, start, size,
            alloc, release, since, (long)native.Detail, note, rangeFlags: flags);
    }

    private static SourceSite? WithStack(SourceSite? site, string? stack)
    {
        if (stack is null)
        {
            return site;
        }

        return (site ?? new SourceSite("", "", 0)).WithStack(stack);
    }
}
