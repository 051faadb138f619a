// TableLayout.cs: offsets and sizes of the shadow table's version-4 binary layout, named after the fields of native/include/interopguard.h (checked equal by TableConstantsAgreeTests).
namespace InteropGuard.Validator.Table;

/// <summary>The version-4 layout the validator reads from outside the process; any other version is refused.</summary>
internal static class TableLayout
{
    public const uint Version = 4;
    public const int HeaderSize = 256;
    public const int RangeSize = 96;
    public const int SiteSize = 256;

    // ig_table_header_t
    public const int HeaderVersion = 8;
    public const int HeaderHeaderSize = 12;
    public const int HeaderRangeSize = 16;
    public const int HeaderSiteSize = 20;
    public const int HeaderRangesPerChunk = 24;
    public const int HeaderMaxChunks = 32;
    public const int HeaderChunkCount = 40;
    public const int HeaderChunks = 48;
    public const int HeaderSites = 56;
    public const int HeaderSiteCapacity = 64;
    public const int HeaderSiteCount = 72;
    public const int HeaderPid = 104;
    public const int HeaderCanaryByte = 112;
    public const int HeaderFillFlags = 120;
    public const int HeaderFillSize = 128;
    public const int HeaderNativeHeap = 136;
    public const int HeaderCallRegions = 144;
    public const int HeaderCallRegionSize = 152;
    public const int HeaderCallPinSize = 156;
    public const int HeaderSlotLimit = 160;
    public const int HeaderPinLogs = 168;
    public const int HeaderPinLogSize = 176;
    public const int HeaderPinLogSlots = 180;

    /// <summary>IG_TABLE_F_PARTIAL_FILL: new blocks are filled only in their first fill_size bytes.</summary>
    public const ulong TableFlagPartialFill = 0x1;

    // ig_range_t
    public const int RangeId = 0;
    public const int RangeStart = 8;
    public const int RangeSizeField = 16;
    public const int RangeAllocSeq = 24;
    public const int RangeReleaseSeq = 32;
    public const int RangeAllocTimeNs = 40;
    public const int RangeReleaseTimeNs = 48;
    public const int RangeUserTag = 56;
    public const int RangeKind = 64;
    public const int RangeState = 68;
    public const int RangeFlags = 72;
    public const int RangeAllocSite = 76;
    public const int RangeReleaseSite = 80;
    public const int RangeAllocTid = 84;
    public const int RangeReleaseTid = 88;
    public const int RangeRedzoneLeft = 92;
    public const int RangeRedzoneRight = 94;

    // ig_site_t
    public const int SiteLine = 4;
    public const int SiteFunction = 8;
    public const int SiteFunctionLength = 120;
    public const int SiteFile = 128;
    public const int SiteFileLength = 128;

    // ig_range_kind_t
    public const uint KindNativeBlock = 1;
    public const uint KindManagedPin = 2;
    public const uint KindMappedView = 3;
    public const uint KindCallback = 4;
    public const uint KindNativeRegion = 5;

    // ig_range_state_t
    public const uint StateEmpty = 0;
    public const uint StateLive = 1;
    public const uint StateFreed = 2;
    public const uint StateReleased = 3;

    // IG_RANGE_F_*
    public const uint FlagRetained = 0x1;

    /// <summary>IG_RANGE_F_CALL_SCOPED: pinned by generated code for the duration of one P/Invoke call.</summary>
    public const uint FlagCallScoped = 0x2;

    /// <summary>The flags a finding passes on to the target's report (call-scoped, and the managed runtime's own).</summary>
    public const uint FlagsReported = FlagCallScoped | FlagUserMask;

    /// <summary>IG_RANGE_F_USER_MASK: the flags of the managed runtime (a string pin, a pooled array), passed on in findings.</summary>
    public const uint FlagUserMask = 0xFFFF_0000;

    /// <summary>IG_RANGE_F_MANAGED_STRING: a managed pin whose object is a string (Guard.Pin(string)).</summary>
    public const uint FlagManagedString = 0x1_0000;

    /// <summary>A managed range that is an array of a GuardedArrayPool (live = rented, released = returned).</summary>
    public const uint FlagPooledArray = 0x2_0000;

    /// <summary>Bytes of the left canary just before a native block's first user byte.</summary>
    public const int LeftCanaryBytes = 16;

    /// <summary>Addresses at or above this are not user space on x86-64/arm64 Linux (48-bit).</summary>
    public const ulong UserSpaceEnd = 1UL << 47;

    public static string KindName(uint kind) => kind switch
    {
        KindNativeBlock => "native-block",
        KindManagedPin => "managed-pin",
        KindMappedView => "mapped-view",
        KindCallback => "callback",
        KindNativeRegion => "native-region",
        _ => "unknown",
    };
}
