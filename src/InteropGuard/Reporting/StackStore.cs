// StackStore.cs: with capture_stacks=1, the stacks captured when a range was allocated/pinned and freed/released, keyed by range id.
using System.Collections.Concurrent;

namespace InteropGuard.Reporting;

/// <summary>Captured stacks per range id (only with capture_stacks=1); bounded FIFO so memory stays proportional to
/// <c>release_history</c>.</summary>
internal static class StackStore
{
    private static readonly ConcurrentDictionary<ulong, string> s_alloc = new();
    private static readonly ConcurrentDictionary<ulong, string> s_release = new();
    private static readonly ConcurrentQueue<ulong> s_order = new();

    /// <summary>Remembers the allocation stack of a range.</summary>
    public static void RecordAlloc(ulong id, string stack)
    {
        if (id == 0)
        {
            return;
        }

        s_alloc[id] = stack;
        s_order.Enqueue(id);
        Trim();
    }

    /// <summary>Remembers the release stack of a range.</summary>
    public static void RecordRelease(ulong id, string stack)
    {
        if (id != 0)
        {
            s_release[id] = stack;
        }
    }

    /// <summary>The allocation stack, or null.</summary>
    public static string? Alloc(ulong id) => id != 0 && s_alloc.TryGetValue(id, out string? s) ? s : null;

    /// <summary>The release stack, or null.</summary>
    public static string? Release(ulong id) => id != 0 && s_release.TryGetValue(id, out string? s) ? s : null;

    private static void Trim()
    {
        long limit = System.Math.Max(1024L, 2L * GuardRuntime.Options.ReleaseHistory);
        while (s_order.Count > limit && s_order.TryDequeue(out ulong old))
        {
            s_alloc.TryRemove(old, out _);
            s_release.TryRemove(old, out _);
        }
    }
}
