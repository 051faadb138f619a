// MappedViewTable.cs: released mapped views by range id, with their view handles, so use-after-unmap is confirmed before it is reported (the address may have been mapped again by someone else).
using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace InteropGuard.Mapping;

/// <summary>What a released view left behind. Bounded by <c>release_history</c> (oldest entries are forgotten first).</summary>
internal static partial class MappedViewTable
{
    private const int ENOMEM = 12;

    private static readonly ConcurrentDictionary<ulong, SafeMemoryMappedViewHandle> s_views = new();
    private static readonly ConcurrentQueue<ulong> s_order = new();

    /// <summary>Records a released view.</summary>
    public static void Add(ulong id, SafeMemoryMappedViewHandle handle)
    {
        if (!s_views.TryAdd(id, handle))
        {
            return;
        }

        s_order.Enqueue(id);
        int limit = Math.Max(0, GuardRuntime.Options.ReleaseHistory);
        while (s_order.Count > limit && s_order.TryDequeue(out ulong old))
        {
            s_views.TryRemove(old, out _);
        }
    }

    /// <summary>What a pointer into released view <paramref name="id"/> at <paramref name="address"/> means now:
    /// <see cref="ViewState.StillMapped"/> (the accessor still holds the mapping), <see cref="ViewState.Unmapped"/> (nothing
    /// is mapped there: a native access faults), or <see cref="ViewState.Unknown"/> (the view is gone and something is mapped
    /// at the address again: it may be another mapping's memory, so the boundary stays silent).</summary>
    public static ViewState Classify(ulong id, nint address)
    {
        if (s_views.TryGetValue(id, out SafeMemoryMappedViewHandle? handle) && !handle.IsClosed)
        {
            return ViewState.StillMapped;
        }

        return IsMapped(address) ? ViewState.Unknown : ViewState.Unmapped;
    }

    /// <summary>True when the page holding <paramref name="address"/> is mapped in this process (mincore does not fail with ENOMEM).</summary>
    private static unsafe bool IsMapped(nint address)
    {
        nint page = Environment.SystemPageSize;
        nint start = address & ~(page - 1);
        byte resident;
        if (mincore(start, (nuint)page, &resident) == 0)
        {
            return true;
        }

        return Marshal.GetLastPInvokeError() != ENOMEM; // EINVAL, EAGAIN...: unsure, so treat it as mapped (stay silent)
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int mincore(nint address, nuint length, byte* vector);

    /// <summary>See <see cref="Classify"/>.</summary>
    internal enum ViewState
    {
        Unknown = 0,
        StillMapped = 1,
        Unmapped = 2,
    }
}
