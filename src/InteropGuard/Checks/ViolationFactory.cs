// ViolationFactory.cs: fills a violation record with what a native ig_violation_t snapshot says (bytes, access site, range, sites, time since release).
using System;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Builds <see cref="Violation"/>s from native data. Detection only; no reporting.</summary>
internal static class ViolationFactory
{
    /// <summary><paramref name="shape"/> with what every shape built from a native record shares: the bytes accessed, the
    /// access site (the record's own when <paramref name="accessSite"/> is null), the range, where it was allocated and
    /// released, and how long ago. <paramref name="detectedNs"/> is when the problem was found
    /// (<see cref="GuardRuntime.MonotonicNs"/>); 0 = now. Callers that do slow work before this call (a stack walk) pass the
    /// time they took first, so "freed N ms before" does not include the sanitizer's own time.</summary>
    public static T FromNative<T>(T shape, in IgViolation native, SourceSite? accessSite, ulong detectedNs = 0) where T : Violation
    {
        ulong now = detectedNs != 0 ? detectedNs : GuardRuntime.MonotonicNs();
        accessSite ??= SiteRegistry.Resolve(native.AccessSite);
        TrackedRange range = TrackedRange.None;
        SourceSite? alloc = null, release = null;
        TimeSpan? since = null;
        if (native.HasRange != 0)
        {
            ref readonly IgRange r = ref native.Range;
            range = new TrackedRange(r.Kind <= 5 ? (RangeKind)r.Kind : RangeKind.None, (nint)r.Start, (nint)r.Size, r.Flags);
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

        Violation v = shape;
        return (T)(v with
        {
            Size = (nint)native.Size, AccessSite = accessSite, Range = range, AllocationSite = alloc, ReleaseSite = release, SinceRelease = since,
        });
    }

    /// <summary>The pointer-at-a-call shape of an <c>ig_check</c> result, as <paramref name="kind"/>.</summary>
    public static PointerAtCallViolation AtCall(ViolationKind kind, in IgViolation native, in CallSite call, SourceSite accessSite) =>
        FromNative(new PointerAtCallViolation(kind, (nint)native.Address) { Argument = call.Argument }, in native, accessSite);

    private static SourceSite? WithStack(SourceSite? site, string? stack)
    {
        if (stack is null)
        {
            return site;
        }

        return (site ?? new SourceSite("", "", 0)).WithStack(stack);
    }
}
