// PinnedRoots.cs: the objects pinned by GC handles and by pinned stack roots, built lazily, at most once per sweep, only when a candidate needs them.
using System;
using System.Collections.Generic;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>Pinned handles (~1 ms) and pinned stack roots (the expensive part: 6-19 ms on a busy process when every
/// thread is walked; <see cref="StackRootCache"/> walks only the threads that moved since the last stop) of one stop.</summary>
internal sealed class PinnedRoots
{
    private readonly ClrRuntime _runtime;
    private readonly StackRootCache _cache;
    private HashSet<ulong>? _handles;
    private HashSet<ulong>? _stack;
    private readonly List<UnwalkedStack> _unwalked = [];

    /// <summary>The pin sets of one stop of <paramref name="runtime"/>; <paramref name="cache"/> carries each thread's stack
    /// roots over from the previous stop (a fresh cache walks every thread).</summary>
    public PinnedRoots(ClrRuntime runtime, StackRootCache cache)
    {
        _runtime = runtime;
        _cache = cache;
    }

    /// <summary>True once the stack roots were enumerated in this stop (for the cost model and tests).</summary>
    public bool StackRootsEnumerated => _stack is not null;

    /// <summary>True when a pinned or async-pinned GC handle holds <paramref name="obj"/>.</summary>
    public bool IsPinnedByHandle(ulong obj) => (_handles ??= BuildHandles()).Contains(obj);

    /// <summary>True when a pinned stack root (a <c>fixed</c> local, a marshalling pin of a call in progress) holds <paramref name="obj"/>.</summary>
    public bool IsPinnedOnStack(ulong obj) => (_stack ??= BuildStack()).Contains(obj);

    /// <summary>The OS thread id of a thread whose stack, in a part its walk did not reach, holds a pointer into
    /// [<paramref name="obj"/>, <paramref name="obj"/> + <paramref name="size"/>) (<see cref="UnwalkedStack"/>): a pinned local
    /// there may pin the object. Null when there is none; call after <see cref="IsPinnedOnStack"/>.</summary>
    public uint? UnwalkedHolder(ulong obj, ulong size)
    {
        _stack ??= BuildStack();
        foreach (UnwalkedStack stack in _unwalked)
        {
            if (stack.Holds(obj, obj + Math.Max(size, 8)))
            {
                return stack.Thread;
            }
        }

        return null;
    }

    private HashSet<ulong> BuildHandles()
    {
        var set = new HashSet<ulong>();
        foreach (ClrHandle handle in _runtime.EnumerateHandles())
        {
            if (!handle.IsPinned)
            {
                continue;
            }

            ClrObject obj = handle.Object;
            if (obj.Address == 0)
            {
                continue;
            }

            set.Add(obj.Address);
            if (handle.HandleKind == ClrHandleKind.AsyncPinned && obj.IsValid)
            {
                AddAsyncPinnedBuffers(set, obj); // an OverlappedData pins the buffers it refers to
            }
        }

        return set;
    }

    private static void AddAsyncPinnedBuffers(HashSet<ulong> set, ClrObject overlapped)
    {
        foreach (ClrObject referenced in overlapped.EnumerateReferences(carefully: true, considerDependantHandles: false))
        {
            set.Add(referenced.Address);
            if (referenced.IsValid && referenced.IsArray && referenced.Type?.ComponentType?.IsObjectReference == true)
            {
                foreach (ClrObject element in referenced.EnumerateReferences(carefully: true, considerDependantHandles: false))
                {
                    set.Add(element.Address);
                }
            }
        }
    }

    private HashSet<ulong> BuildStack()
    {
        var set = new HashSet<ulong>();
        _cache.AddPinnedRoots(_runtime, set, _unwalked);
        return set;
    }
}
