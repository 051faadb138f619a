// HandleTrackers.cs: one HandleTracker per SafeHandle (a GuardedSafeHandle's own, any other's in a weak table), and which thread is the finalizer thread; runs at Guard.Track and at releases.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.Handles;

/// <summary>Finds or creates the tracker of a handle. The table holds trackers of plain SafeHandles as long as their
/// handle lives (ConditionalWeakTable); a GuardedSafeHandle keeps its tracker in a field.</summary>
internal static class HandleTrackers
{
    private static readonly ConditionalWeakTable<SafeHandle, HandleTracker> s_trackers = new();
    private static int s_finalizerThread;

    static HandleTrackers() => FinalizerProbe.Start();

    /// <summary>The tracker of <paramref name="handle"/>, created at <paramref name="site"/> the first time.</summary>
    public static HandleTracker Get(SafeHandle handle, SourceSite? site)
    {
        if (handle is GuardedSafeHandle guarded)
        {
            return guarded.GetTracker(site);
        }

        return s_trackers.GetValue(handle, h => new HandleTracker(h, site));
    }

    /// <summary>The tracker of a plain handle if it has one (HandleCalls reports).</summary>
    public static HandleTracker? Find(SafeHandle handle) =>
        handle is GuardedSafeHandle guarded ? guarded.ExistingTracker : s_trackers.TryGetValue(handle, out HandleTracker? t) ? t : null;

    /// <summary>True on the GC's finalizer thread: learnt from a finalizer that ran (ours or a GuardedSafeHandle's); before
    /// any has, the finalizer thread's traits (a background, non-pool thread of the highest priority).</summary>
    public static bool OnFinalizerThread
    {
        get
        {
            int id = Volatile.Read(ref s_finalizerThread);
            if (id != 0)
            {
                return id == Environment.CurrentManagedThreadId;
            }

            Thread t = Thread.CurrentThread;
            return t.IsBackground && !t.IsThreadPoolThread && t.Priority == ThreadPriority.Highest;
        }
    }

    /// <summary>Called from a finalizer: remembers the finalizer thread.</summary>
    public static void NoteFinalizerThread() => Volatile.Write(ref s_finalizerThread, Environment.CurrentManagedThreadId);

    /// <summary>A finalizable object dropped at start: its finalizer, at the first GC, tells which thread finalizes.</summary>
    private sealed class FinalizerProbe
    {
        public static void Start() => _ = new FinalizerProbe();

        ~FinalizerProbe() => NoteFinalizerThread();
    }
}
