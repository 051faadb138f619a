// ManagedVerdict.cs: what an address in (or near) the GC heap turned out to be: not managed, pinned, unpinned, dangling, or not decidable in this stop.
namespace InteropGuard.Validator.Heap;

/// <summary>The classes of <see cref="HeapView.Classify"/>.</summary>
internal enum VerdictKind
{
    /// <summary>Not memory the GC owns.</summary>
    NotManaged,

    /// <summary>Inside a live object that something pins (handle, POH, frozen segment, pinned stack root).</summary>
    Pinned,

    /// <summary>Inside a live object nothing pins.</summary>
    Unpinned,

    /// <summary>GC memory where no live object is (free object, past a segment's allocated end, an unused region).</summary>
    Dangling,

    /// <summary>Inside a live object no handle and no walked stack root pins, but a thread's stack holds a pointer into it
    /// beyond where the thread's walk stopped (<see cref="UnwalkedStack"/>): a <c>fixed</c> statement in a frame the walk did
    /// not reach may pin it. Decided at a later stop.</summary>
    Undecided,
}

/// <summary>A classification with the object (when there is one) and why: a code of
/// <see cref="InteropGuard.Findings.AddressReasons"/> ("" for not managed), and the thread a stack-walk-short verdict
/// names (0 otherwise).</summary>
internal readonly record struct ManagedVerdict(VerdictKind Kind, ulong ObjectAddress, string? ObjectType, ulong ObjectSize, string Why, uint Thread = 0)
{
    public static ManagedVerdict NotManaged { get; } = new(VerdictKind.NotManaged, 0, null, 0, "");
}
