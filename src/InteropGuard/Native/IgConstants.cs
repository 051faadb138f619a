// IgConstants.cs: status codes, range states, flags and init flags of interopguard.h (checked equal by the validator tests' TableConstantsAgreeTests).
namespace InteropGuard.Native;

/// <summary><c>ig_status_t</c>.</summary>
internal enum IgStatus
{
    Ok = 0,
    DoubleFree = 1,
    InvalidFree = 2,
    Overflow = 3,
    NoMem = 4,
    BadArg = 5,
    NotFound = 6,
    State = 7,
    TableFull = 8,
}

/// <summary><c>ig_range_state_t</c>, <c>IG_RANGE_F_*</c>, <c>IG_INIT_*</c> and <c>ig_lookup_result_t</c>.</summary>
internal static class IgConstants
{
    public const uint StateEmpty = 0;
    public const uint StateLive = 1;
    public const uint StateFreed = 2;
    public const uint StateReleased = 3;

    public const uint FlagRetained = 0x1;
    public const uint FlagCallScoped = 0x2;
    public const uint FlagAligned = 0x4;

    // Flags of the managed runtime (IG_RANGE_F_USER_MASK); the validator may read them from the table.
    /// <summary>A managed pin whose object is a string (Guard.Pin(string)); reports suggest a NativeBuffer copy.</summary>
    public const uint FlagManagedString = 0x1_0000;
    /// <summary>A managed range that is an array of a GuardedArrayPool: live = rented (POH arrays only), released = returned.</summary>
    public const uint FlagPooledArray = 0x2_0000;

    /// <summary><c>IG_MAX_ALIGN</c>: the largest alignment <c>ig_malloc_at</c> supports.</summary>
    public const int MaxAlignment = 32768;

    public const uint InitQuiet = 0x1;

    /// <summary>ig_init flag IG_INIT_RELEASE: release mode (plain unsampled blocks, sample_rate defaults to 20000).</summary>
    public const uint InitRelease = 0x2;

    /// <summary>ig_init flag IG_INIT_FULL_FILL: mode 2, every byte of a new block is filled (max_malloc_fill_size does not apply).</summary>
    public const uint InitFullFill = 0x4;

    public const uint LookupUnknown = 0;
    public const uint LookupInside = 1;
    public const uint LookupOutside = 2;

    public const int TableVersion = 4;

    /// <summary>IG_PIN_LOG_SLOTS: range records in one thread's pin log.</summary>
    public const int PinLogSlots = 256;

    /// <summary>IG_PIN_LOG_ID_TAG: the two top bits of every pin-log id (a table id never has bit 63).</summary>
    public const ulong PinLogIdTag = 0xC000000000000000;
}
