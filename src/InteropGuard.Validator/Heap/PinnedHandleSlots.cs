// PinnedHandleSlots.cs: where each pinned GC handle seen at the last enumeration lives, kept from one stop to the next so a later stop confirms an object's pin with one read of its handle's slot instead of enumerating every handle.
using System.Collections.Generic;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Heap;

/// <summary>Enumerating the GC handles (ClrMD, through the DAC: every handle of every kind, each with its object
/// resolved) costs milliseconds per stop, and a sweep needs it for every retained pin. A handle is a slot in the
/// runtime's handle table that holds its object's address; the runtime writes 0 into the slot when the handle is freed,
/// and a freed slot goes back to the free list of its own kind (pinned slots are reused only by pinned handles). So
/// when a slot that held a pinned handle to <c>obj</c> at the last enumeration holds <c>obj</c> now, <c>obj</c> is still
/// pinned by a handle: that is what <see cref="Confirms"/> answers. Anything else (a slot that reads differently, an
/// object not seen pinned before) is not an answer, and the caller enumerates again (<see cref="Remember"/>): "not
/// pinned" only ever comes from an enumeration of this stop.
/// <para>What it does not see: the runtime can give a handle block whose every slot was freed to another handle kind;
/// a pinned handle freed, its whole block emptied and retyped, and a handle of another kind made for the same object in
/// the same slot would read as still pinned. Async-pinned handles (which pin the buffers of their overlapped object)
/// are never remembered: they are answered by an enumeration. Not thread-safe: one sweep at a time.</para></summary>
internal sealed class PinnedHandleSlots
{
    private Dictionary<ulong, ulong> _slotOf = new();

    /// <summary>Pins confirmed by a slot read / full enumerations, over the life of the cache (tests, the benchmark).</summary>
    public long Confirmed { get; private set; }

    /// <inheritdoc cref="Confirmed"/>
    public long Enumerations { get; private set; }

    /// <summary>True when the pinned handle that held <paramref name="obj"/> at the last enumeration still holds it.</summary>
    public bool Confirms(TargetMemory memory, ulong obj)
    {
        if (_slotOf.TryGetValue(obj, out ulong slot) && memory.TryReadUInt64(slot, out ulong now) && now == obj)
        {
            Confirmed++;
            return true;
        }

        return false;
    }

    /// <summary>Replaces what is remembered with the pinned (not async-pinned) handles of an enumeration of this stop.</summary>
    public void Remember(Dictionary<ulong, ulong> slotOfObject)
    {
        _slotOf = slotOfObject;
        Enumerations++;
    }
}
