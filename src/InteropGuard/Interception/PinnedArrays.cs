// PinnedArrays.cs: the arrays the user's code allocates with GC.AllocateArray / GC.AllocateUninitializedArray, noted when they go to the pinned object heap so a released pin of one is not a use-after-unpin; called by generated interceptors.
using System;
using System.ComponentModel;
using InteropGuard.Handles;

namespace InteropGuard.Interception;

/// <summary>What a generated interceptor does for <c>GC.AllocateArray&lt;T&gt;(length, pinned)</c> and
/// <c>GC.AllocateUninitializedArray&lt;T&gt;(length, pinned)</c> in the user's code: the same call, and, when
/// <c>pinned</c> is true in modes 1 and 2, a note that the array never moves (<see cref="NonMovingObjects"/>): a
/// pointer into it stays valid after a <see cref="Guard.Pin{T}(T[], string, string, int)"/> or a pinned
/// <c>GCHandle</c> of it ends. For generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PinnedArrays
{
    /// <summary><c>GC.AllocateArray&lt;T&gt;(length, pinned)</c>, noted when <paramref name="pinned"/> is true.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="length">Elements.</param>
    /// <param name="pinned">True: on the pinned object heap.</param>
    /// <returns>The new array.</returns>
    public static T[] AllocateArray<T>(int length, bool pinned)
    {
        T[] array = GC.AllocateArray<T>(length, pinned);
        if (pinned && GuardRuntime.Enabled)
        {
            NonMovingObjects.Note(array);
        }

        return array;
    }

    /// <summary><c>GC.AllocateUninitializedArray&lt;T&gt;(length, pinned)</c>, noted when <paramref name="pinned"/> is true.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="length">Elements.</param>
    /// <param name="pinned">True: on the pinned object heap.</param>
    /// <returns>The new array.</returns>
    public static T[] AllocateUninitializedArray<T>(int length, bool pinned)
    {
        T[] array = GC.AllocateUninitializedArray<T>(length, pinned);
        if (pinned && GuardRuntime.Enabled)
        {
            NonMovingObjects.Note(array);
        }

        return array;
    }
}
