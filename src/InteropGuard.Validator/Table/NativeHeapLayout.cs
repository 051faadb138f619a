// NativeHeapLayout.cs: offsets, sizes and values of the native-heap registry's binary layout (ig_heap_header_t, ig_heap_slot_t in native/include/interopguard.h; checked equal by TableConstantsAgreeTests).
namespace InteropGuard.Validator.Table;

/// <summary>The registry libinteropguard keeps of the blocks hooked native libraries allocated (version 1).</summary>
internal static class NativeHeapLayout
{
    public const uint HeapVersion = 1;
    public const ulong HeapTombstone = 1;
    public const uint HeapProbes = 64;

    // ig_heap_header_t
    public const int HeapHeaderSize = 64;
    public const int HeapHeaderVersion = 8;
    public const int HeapHeaderSlotSize = 12;
    public const int HeapHeaderCapacity = 16;
    public const int HeapHeaderSlots = 24;
    public const int HeapHeaderUntrackedFrees = 32;
    public const int HeapHeaderDropped = 40;
    public const int HeapHeaderModules = 48;
    public const int HeapHeaderGeneration = 56;

    // ig_heap_slot_t
    public const int SlotSize = 32;
    public const int SlotAddr = 0;
    public const int SlotSizeField = 8;
    public const int SlotCaller = 16;
    public const int SlotState = 24;
    public const int SlotHow = 28;

    // IG_HEAP_HOW_*
    public const uint HeapHowMalloc = 1;
    public const uint HeapHowCalloc = 2;
    public const uint HeapHowRealloc = 3;
    public const uint HeapHowAligned = 4;
    public const uint HeapHowNew = 5;

    /// <summary>The call a slot's <c>how</c> names, as a report says it.</summary>
    public static string HowName(uint how) => how switch
    {
        HeapHowMalloc => "malloc",
        HeapHowCalloc => "calloc",
        HeapHowRealloc => "realloc",
        HeapHowAligned => "an aligned allocation",
        HeapHowNew => "operator new",
        _ => "an allocation",
    };
}
