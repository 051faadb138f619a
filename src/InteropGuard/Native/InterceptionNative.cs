// InterceptionNative.cs: the shadow-table entry points the per-call paths of generated wrappers use, bound without the GC transition; called only when the runtime is enabled.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Bindings of <c>ig_call_pin_push</c>/<c>_pop</c>, <c>ig_pin_register</c>/<c>_callback</c>/<c>ig_pin_set_tag</c>,
/// <c>ig_range_register</c>, <c>ig_range_release</c> and <c>ig_lookup</c> with <c>[SuppressGCTransition]</c>, for the paths
/// every intercepted call and every explicit lifetime object takes (call-scoped pins, explicit pins, struct pointers,
/// callbacks). Allowed because none of them blocks: a call pin's push and pop and an explicit pin's or call-scoped
/// callback's register are stores into the thread's own region or log, a pin-log release is a compare-and-swap and a few stores, lookups are lock-free seqlock
/// reads, and table register/release hold a slot-cache or index-bin
/// spinlock for a few dozen instructions (never across managed code), so a GC never waits on them for long. The rare
/// slow paths (a thread's first call pin or explicit pin mapping its region or log, a register mapping a new 6 MiB record chunk) are accepted.
/// The plain bindings in <c>IgNative</c> stay for everything else.</summary>
internal static unsafe partial class InterceptionNative
{
    [LibraryImport(IgNative.Library, EntryPoint = "ig_range_register")]
    [SuppressGCTransition]
    public static partial IgStatus RangeRegister(uint kind, void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_range_release")]
    [SuppressGCTransition]
    public static partial IgStatus RangeRelease(ulong id, uint site, IgRange* range);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_pin_register")]
    [SuppressGCTransition]
    public static partial IgStatus PinRegister(void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_pin_register_callback")]
    [SuppressGCTransition]
    public static partial IgStatus PinRegisterCallback(void* entry, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_pin_set_tag")]
    [SuppressGCTransition]
    public static partial IgStatus PinSetTag(ulong id, ulong userTag);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_call_pin_push")]
    [SuppressGCTransition]
    public static partial ulong CallPinPush(void* start, nuint size, uint flags, uint site);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_call_pin_pop")]
    [SuppressGCTransition]
    public static partial void CallPinPop(ulong token);

    [LibraryImport(IgNative.Library, EntryPoint = "ig_lookup")]
    [SuppressGCTransition]
    public static partial uint Lookup(void* address, nuint length, IgRange* range);
}
