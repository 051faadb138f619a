// RangeKind.cs: what kind of memory a shadow-table range describes; numerically identical to ig_range_kind_t.
namespace InteropGuard;

/// <summary>The kind of range a violation involves (<c>ig_range_kind_t</c>).</summary>
public enum RangeKind
{
    /// <summary>No range is involved, or it is not known (for example an address InteropGuard never saw).</summary>
    None = 0,
    /// <summary>A block of the shadow allocator (<see cref="NativeBuffer"/>, <c>ig_malloc</c>).</summary>
    NativeBlock = 1,
    /// <summary>Managed memory pinned for native code (<see cref="Guard.Pin{T}(T[], string, string, int)"/>).</summary>
    ManagedPin = 2,
    /// <summary>A memory-mapped view.</summary>
    MappedView = 3,
    /// <summary>A function pointer handed to native code.</summary>
    Callback = 4,
    /// <summary>Native memory registered by hand (not owned by the allocator).</summary>
    NativeRegion = 5,
}
