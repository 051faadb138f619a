// UnwalkedStack.cs: the part of one stopped thread's stack that its walk did not reach, looked through for a pointer into an object that nothing else pins.
using System;

namespace InteropGuard.Validator.Heap;

/// <summary>The words of a thread's stack from where its walk may have missed frames (<see cref="ThreadWalk.UnwalkedFrom"/>)
/// up to the top of the stack, less the slots the walk reported as roots. A <c>fixed</c> statement's pinned local in a frame
/// the walk did not reach is one of these words, holding the object's address or one inside it; so an object that no
/// handle and no walked stack root pins, and that one of these words points into, may be pinned, and is not called
/// unpinned in this stop. A complete walk leaves only its outermost frame and the native frames that started the thread
/// here, which hold no pointers into a program's arrays. Cost: one pass over the words per object asked about.</summary>
internal sealed class UnwalkedStack
{
    private readonly byte[]? _bytes;
    private readonly int _offset;
    private readonly ulong _start;
    private readonly ulong[] _rootSlots;

    /// <param name="thread">The OS thread id.</param>
    /// <param name="start">The stack address of <paramref name="bytes"/>[<paramref name="offset"/>]; 8-byte aligned.</param>
    /// <param name="bytes">The thread's stack bytes (from its stack pointer less the red zone to the top of its stack); null
    /// when they could not be read and the walk stopped short: then anything may hide there.</param>
    /// <param name="offset">Where the unwalked part starts in <paramref name="bytes"/>.</param>
    /// <param name="rootSlots">The stack addresses the walk reported as roots, sorted.</param>
    public UnwalkedStack(uint thread, ulong start, byte[]? bytes, int offset, ulong[] rootSlots)
    {
        Thread = thread;
        _start = start;
        _bytes = bytes;
        _offset = offset;
        _rootSlots = rootSlots;
    }

    /// <summary>The OS thread id.</summary>
    public uint Thread { get; }

    /// <summary>True when a word of the unwalked part, not a slot the walk reported, holds a value in [<paramref name="lo"/>,
    /// <paramref name="hi"/>); always true when the stack could not be read.</summary>
    public bool Holds(ulong lo, ulong hi)
    {
        if (_bytes is null)
        {
            return true;
        }

        ReadOnlySpan<byte> words = _bytes.AsSpan(_offset);
        for (int i = 0; i + 8 <= words.Length; i += 8)
        {
            ulong value = BitConverter.ToUInt64(words.Slice(i, 8));
            if (value - lo < hi - lo && Array.BinarySearch(_rootSlots, _start + (ulong)i) < 0)
            {
                return true;
            }
        }

        return false;
    }
}
