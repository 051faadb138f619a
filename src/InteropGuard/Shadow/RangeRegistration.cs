// RangeRegistration.cs: registers the ranges of the managed trackers (pins, call-scoped pins, mapped views, callbacks,
// pooled arrays) in the shadow table; runs on each track, and says once per kind that the table is full.
using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Shadow;

/// <summary>The one path from a managed tracker to <c>ig_range_register</c>. A full table (<c>max_ranges</c>) is not an
/// error for the program: the range is simply not tracked, and the user hears about it once per kind of tracker, with the
/// option that raises the limit.</summary>
internal static unsafe class RangeRegistration
{
    private static readonly ConcurrentDictionary<string, bool> s_tableFullWarned = new(StringComparer.Ordinal);

    // Release mode checks calls against the filter of released ranges, so releases must be recorded there.
    private static readonly bool s_remember = GuardRuntime.Enabled && GuardRuntime.Mode == GuardMode.Release;

    /// <summary>Registers a live range and returns its id, or 0 when it is not tracked (the table is full: warned once per
    /// <paramref name="what"/>; or a bad argument, which the callers rule out).</summary>
    /// <param name="kind">What the range is.</param>
    /// <param name="start">First byte.</param>
    /// <param name="size">Bytes (0 is tracked as 1).</param>
    /// <param name="flags">IG_RANGE_F_* flags.</param>
    /// <param name="site">The site that made it (0 = unknown).</param>
    /// <param name="tag">user_tag: a GC handle of the object, or 0.</param>
    /// <param name="what">Plural noun for the warning ("pins", "mapped views", ...).</param>
    /// <param name="withoutTransition">Use the no-GC-transition binding (the hot path of generated code).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // call-scoped pins: `withoutTransition` folds
    public static ulong Register(RangeKind kind, void* start, nuint size, uint flags, uint site, ulong tag, string what,
        bool withoutTransition = false)
    {
        ulong id;
        IgStatus status = withoutTransition
            ? InterceptionNative.RangeRegister((uint)kind, start, size, flags, site, tag, &id)
            : IgNative.ig_range_register((uint)kind, start, size, flags, site, tag, &id);
        if (status == IgStatus.Ok)
        {
            return id;
        }

        if (status == IgStatus.TableFull)
        {
            WarnTableFull(what);
        }

        return 0;
    }

    /// <summary>Marks a tracker's live range released at <paramref name="site"/> and, with capture_stacks=1, records the
    /// release stack (the site's own, else the stack above the tracker's Dispose/Release). 0 is ignored.</summary>
    /// <param name="id">What <see cref="Register"/> returned.</param>
    /// <param name="site">Where it was released; null = unknown.</param>
    public static void Release(ulong id, SourceSite? site)
    {
        if (id == 0)
        {
            return;
        }

        ReleaseRange(id, site?.Id ?? 0, withoutTransition: true);
        if (GuardRuntime.Options.CaptureStacks)
        {
            // Skip this method, the tracker's ReleaseCore and its public Dispose/Release.
            StackStore.RecordRelease(id, site?.Stack ?? SiteRegistry.CaptureStack(3));
        }
    }

    /// <summary>Says once per <paramref name="what"/> (plural noun: "pins", "native buffers") that the table is full and
    /// new ones are not tracked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WarnTableFull(string what)
    {
        if (s_tableFullWarned.TryAdd(what, true))
        {
            Reporter.Warn(CheckWarnings.TableFull(GuardRuntime.Options.MaxRanges, what));
        }
    }
    /// <summary>Marks a range released (<c>ig_range_release</c>) and, in release mode, records it in the
    /// <see cref="ReleasedRangeFilter"/>, so that a pointer into it reaching a call runs the full check. Returns the
    /// native status (a second release: <see cref="IgStatus.State"/>).</summary>
    /// <param name="id">The range; 0 does nothing.</param>
    /// <param name="site">The release site's id (0 = unknown).</param>
    /// <param name="withoutTransition">Call without the GC transition (<see cref="InterceptionNative"/> says why that
    /// is allowed): the explicit lifetime objects' hot paths pass true.</param>
    public static IgStatus ReleaseRange(ulong id, uint site, bool withoutTransition = false)
    {
        if (id == 0)
        {
            return IgStatus.Ok;
        }

        if (!s_remember)
        {
            return withoutTransition ? InterceptionNative.RangeRelease(id, site, null) : IgNative.ig_range_release(id, site, null);
        }

        IgRange range;
        IgStatus status = withoutTransition ? InterceptionNative.RangeRelease(id, site, &range) : IgNative.ig_range_release(id, site, &range);
        if (status == IgStatus.Ok)
        {
            ReleasedRangeFilter.Add((nint)range.Start, (nint)range.Size);
        }

        return status;
    }
}
