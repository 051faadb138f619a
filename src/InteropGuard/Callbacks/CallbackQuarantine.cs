// CallbackQuarantine.cs: the bounded FIFO of released GuardedCallbacks (callback_quarantine) whose stubs stay valid, so a late call from native code is reported instead of running freed code; runs at every release.
using System.Collections.Generic;

namespace InteropGuard.Callbacks;

/// <summary>Released callbacks held back, oldest first. Holding one keeps its wrapper delegate, and so the runtime's
/// stub behind the function pointer, alive; evicting it lets the GC collect both (a later call through the pointer then
/// jumps into freed memory, as without InteropGuard). Bounded by <c>callback_quarantine</c> (read at each release).</summary>
internal static class CallbackQuarantine
{
    private static readonly object s_lock = new();
    private static readonly Queue<CallbackTrampoline> s_held = new();

    /// <summary>Callbacks held now (tests).</summary>
    public static int Count
    {
        get
        {
            lock (s_lock)
            {
                return s_held.Count;
            }
        }
    }

    /// <summary>Holds <paramref name="released"/>; evicts the oldest past the bound.</summary>
    public static void Add(CallbackTrampoline released)
    {
        int capacity = GuardRuntime.Options.CallbackQuarantine;
        lock (s_lock)
        {
            if (capacity > 0)
            {
                s_held.Enqueue(released);
            }
            else
            {
                released.Evict();
            }

            while (s_held.Count > capacity)
            {
                s_held.Dequeue().Evict();
            }
        }
    }

    /// <summary>Evicts everything (tests).</summary>
    internal static void ClearForTests()
    {
        lock (s_lock)
        {
            while (s_held.Count > 0)
            {
                s_held.Dequeue().Evict();
            }
        }
    }
}
