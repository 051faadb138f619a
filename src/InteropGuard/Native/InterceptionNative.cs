// InterceptionNative.cs: the shadow-table entry points the per-call paths of generated wrappers use, bound without the GC transition; called only when the runtime is enabled.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Bindings of <c>ig_range_register</c>, <c>ig_range_release</c> and <c>ig_lookup</c> with
/// <c>[SuppressGCTransition]</c>, for the paths every intercepted call takes (call-scoped pins, struct pointers).
/// Allowed because none of them blocks: lookups are lock-free seqlock reads, and register/release hold a slot-cache
/// or index-bin spinlock for a few dozen instructions (never across managed code), so a GC never waits on them for
/// long. The rare slow path of a register (mapping a new 6 MiB record chunk) is the exception and is accepted.
/// The plain bindings in <c>IgNative</c> stay for everything else.</summary>
internal static unsafe partial class InterceptionNative
{
    [LibraryImport(IgNative.Library, EntryPoint = "ig_range_register")]
    [SuppressGCTransition]
    public static partial IgStatus RangeRegister(uint kind, void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_range_release")]
    [SuppressGCTransition]
    public static partial IgStatus RangeRelease(ulong id, uint site, IgRange* range);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_lookup")]
    [SuppressGCTransition]
    public static partial uint Lookup(void* address, nuint length, IgRange* range);
}
