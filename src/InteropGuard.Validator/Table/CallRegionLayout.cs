// CallRegionLayout.cs: offsets and sizes of the call regions' binary layout (ig_call_region_t, ig_call_pin_t in native/include/interopguard.h; checked equal by TableConstantsAgreeTests).
namespace InteropGuard.Validator.Table;

/// <summary>A thread's call region: the stack of its in-flight calls' pins and the ring of the ones its calls ended.</summary>
internal static class CallRegionLayout
{
    /// <summary>IG_CALL_STACK: in-flight pins a region holds.</summary>
    public const int CallStack = 32;

    /// <summary>IG_CALL_RING: ended pins a region remembers.</summary>
    public const int CallRing = 256;

    // ig_call_pin_t
    public const int CallPinSize = 40;
    public const int CallPinStart = 0;
    public const int CallPinSizeField = 8;
    public const int CallPinSeq = 16;
    public const int CallPinTimeNs = 24;
    public const int CallPinSite = 32;
    public const int CallPinFlags = 36;

    // ig_call_region_t
    public const int CallRegionSize = 11584;
    public const int CallRegionNext = 0;
    public const int CallRegionTid = 8;
    public const int CallRegionDepth = 12;
    public const int CallRegionEnded = 16;
    public const int CallRegionRingLo = 24;
    public const int CallRegionRingHi = 32;
    public const int CallRegionOverflowed = 40;
    public const int CallRegionStack = 64;
    public const int CallRegionStackLength = 1280;
    public const int CallRegionRing = 1344;
    public const int CallRegionRingLength = 10240;
}
