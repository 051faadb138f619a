// PinnedRoots.cs: the objects pinned by GC handles and by pinned stack roots, built lazily, at most once per sweep, only when a candidate needs them.
using System;
using System.Collections.Generic;
using InteropGuard.Validator.Target;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>Pinned handles (an enumeration of every handle: ~4 ms on a loaded machine with a few hundred handles;
/// <see cref="PinnedHandleSlots"/> confirms a pin seen at an earlier stop with one read) and pinned stack roots (6-19 ms
/// on a busy process when every thread is walked; <see cref="StackRootCache"/> walks only the threads that moved since
/// the last stop) of one stop.</summary>
internal sealed class PinnedRoots
{
    private readonly ClrRuntime _runtime;
    private readonly StackRootCache _cache;
    private readonly PinnedHandleSlots? _slots;
    private readonly TargetMemory? _memory;
    private readonly StopPhases _phases;
    private HashSet<ulong>? _handles;
    private HashSet<ulong>? _stack;
    private readonly List<UnwalkedStack> _unwalked = [];
    private (ulong Start, ulong End)[]? _stackObjects;

    /// <summary>The pin sets of one stop of <paramref name="runtime"/>; <paramref name="cache"/> carries each thread's stack
    /// roots over from the previous stop (a fresh cache walks every thread); <paramref name="slots"/> (with
    /// <paramref name="memory"/> to read them) the pinned handles' slots (null: every question enumerates the handles);
    /// <paramref name="phases"/> is charged the time each set takes to build (null: not timed).</summary>
    public PinnedRoots(ClrRuntime runtime, StackRootCache cache, PinnedHandleSlots? slots = null, TargetMemory? memory = null, StopPhases? phases = null)
    {
        _phases = phases ?? StopPhases.Off;
        _runtime = runtime;
        _cache = cache;
        _slots = memory is null ? null : slots;
        _memory = memory;
    }

    /// <summary>True once the stack roots were enumerated in this stop (for the cost model and tests).</summary>
    public bool StackRootsEnumerated => _stack is not null;

    /// <summary>True when a pinned or async-pinned GC handle holds <paramref name="obj"/>: confirmed by the slot of the
    /// handle that pinned it at an earlier stop, else answered by an enumeration of this stop.</summary>
    public bool IsPinnedByHandle(ulong obj)
    {
        StopPhase outer = _phases.Enter(StopPhase.Handles);
        try
        {
            if (_handles is null && _slots is not null && _slots.Confirms(_memory!, obj))
            {
                return true;
            }

            return (_handles ??= BuildHandles()).Contains(obj);
        }
        finally
        {
            _phases.Enter(outer);
        }
    }

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

    /// <summary>The object a pinned stack root holds that contains <paramref name="address"/>, or 0. Cheaper than finding
    /// the object at an address on the heap (which may walk a region's objects) when the address is what a <c>fixed</c>
    /// handed to native code.</summary>
    public ulong StackPinnedObjectContaining(ulong address)
    {
        if (_stackObjects is null)
        {
            _stack ??= BuildStack();
            var list = new List<(ulong, ulong)>(_stack.Count);
            foreach (ulong obj in _stack)
            {
                ClrObject o = _runtime.Heap.GetObject(obj);
                if (o.IsValid)
                {
                    list.Add((obj, obj + Math.Max(o.Size, 8)));
                }
            }

            list.Sort();
            _stackObjects = list.ToArray();
        }

        foreach ((ulong start, ulong end) in _stackObjects)
        {
            if (address >= start && address < end)
            {
                return start;
            }
        }

        return 0;
    }

    private HashSet<ulong> BuildHandles()
    {
        var set = new HashSet<ulong>();
        var slots = new Dictionary<ulong, ulong>();
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
            if (handle.HandleKind == ClrHandleKind.Pinned)
            {
                slots[obj.Address] = handle.Address;
            }

            if (handle.HandleKind == ClrHandleKind.AsyncPinned && obj.IsValid)
            {
                AddAsyncPinnedBuffers(set, obj); // an OverlappedData pins the buffers it refers to
            }
        }

        _slots?.Remember(slots);
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
        StopPhase outer = _phases.Enter(StopPhase.StackRoots);
        var set = new HashSet<ulong>();
        _cache.AddPinnedRoots(_runtime, set, _unwalked);
        _phases.Enter(outer);
        return set;
    }
}
