// PinLogLayout.cs: offsets and sizes of the pin logs' binary layout (ig_pin_log_t in native/include/interopguard.h; checked equal by TableConstantsAgreeTests).
namespace InteropGuard.Validator.Table;

/// <summary>A thread's pin log: the range records of the explicit pins it registered (live and released).</summary>
internal static class PinLogLayout
{
    /// <summary>IG_PIN_LOG_SLOTS: records in one log.</summary>
    public const int PinLogSlots = 256;

    /// <summary>IG_PIN_LOG_ID_TAG: the two top bits every pin-log id has.</summary>
    public const ulong PinLogIdTag = 0xC000000000000000;

    // ig_pin_log_t
    public const int PinLogSize = 24640;
    public const int PinLogNext = 0;
    public const int PinLogTid = 8;
    public const int PinLogIndex = 12;
    public const int PinLogCursor = 16;
    public const int PinLogLo = 24;
    public const int PinLogHi = 32;
    public const int PinLogUsed = 40;
    public const int PinLogOverflowed = 48;
    public const int PinLogSlotsField = 64;
}
