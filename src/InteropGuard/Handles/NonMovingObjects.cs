// NonMovingObjects.cs: which managed objects never move (frozen segments, the pinned object heap), asked when a pointer into a released pin reaches a call in process.
using System;
using System.Runtime.CompilerServices;
using InteropGuard.Pooling;

namespace InteropGuard.Handles;

/// <summary>Objects whose address stays valid after their pin ends, so a released pin of one is no use-after-unpin
/// while the object lives. In process the runtime tells only part of it: <see cref="GC.GetGeneration(object)"/> says
/// <see cref="int.MaxValue"/> for an object on a frozen (NonGC) segment, but 2 alike for the pinned object heap, the
/// large object heap and an old small object. So a pinned-object-heap array counts only when InteropGuard saw it being
/// allocated: <c>GC.AllocateArray</c> / <c>GC.AllocateUninitializedArray</c> with <c>pinned: true</c> in a project
/// the generator intercepts (<see cref="Note"/>), or a guarded pool's own array while it is rented. Any other POH array
/// is reported as before in mode 1; the validator (mode 2) sees every heap segment and never reports it.</summary>
internal static class NonMovingObjects
{
    private static readonly ConditionalWeakTable<object, object> s_pinnedHeap = new();
    private static readonly object s_seen = new();

    /// <summary>Records an array the caller allocated on the pinned object heap.</summary>
    public static void Note(Array array) => s_pinnedHeap.AddOrUpdate(array, s_seen);

    /// <summary>True when <paramref name="target"/> is known never to move: on a frozen segment, a pinned-object-heap
    /// array recorded by <see cref="Note"/>, or a guarded pool's pinned array that is rented now (a returned one belongs
    /// to the pool's next renter, moved or not).</summary>
    public static bool NeverMoves(object target)
    {
        if (GC.GetGeneration(target) == int.MaxValue)
        {
            return true; // a frozen segment: outside the GC's reservation, never collected or moved
        }

        if (s_pinnedHeap.TryGetValue(target, out _))
        {
            return true;
        }

        return target is Array array && PooledArrays.Find(array) is { PinnedMemory: true, State: PooledArrayState.Rented };
    }
}
