// FindingKinds.cs: the kind strings the validator reports (the contract shared with the target and the report writers).
using System;

namespace InteropGuard.Validator;

/// <summary>The kinds a sweep can report, spelled as in reports and <c>detect_&lt;kind&gt;</c> options.</summary>
public static class FindingKinds
{
    /// <summary>Native memory holds a pointer into a live managed object that nothing pins.</summary>
    public const string UnpinnedManagedPointer = "unpinned-managed-pointer";

    /// <summary>Native memory holds a pointer into the GC heap where no live object is.</summary>
    public const string DanglingManagedPointer = "dangling-managed-pointer";

    /// <summary>Native memory holds a pointer into a freed (quarantined) native block.</summary>
    public const string NativeUseAfterFree = "native-use-after-free";

    /// <summary>Native memory holds a pointer into a released pin.</summary>
    public const string UseAfterUnpin = "use-after-unpin";

    /// <summary>A redzone canary of a live native block was overwritten.</summary>
    public const string NativeBufferOverflow = "native-buffer-overflow";

    /// <summary>A pin or handle alive longer than <c>pin_leak_ms</c>, or still alive at exit.</summary>
    public const string LeakedPin = "leaked-pin";

    /// <summary>A retained callback whose delegate was collected, or native memory holding the entry of a released callback.</summary>
    public const string CollectedDelegateCallback = "collected-delegate-callback";

    /// <summary>Native memory holds a pointer into a memory-mapped view that was released (unmapped).</summary>
    public const string UseAfterUnmap = "use-after-unmap";

    /// <summary>Every kind above.</summary>
    public static readonly string[] All =
    [
        UnpinnedManagedPointer, DanglingManagedPointer, NativeUseAfterFree, UseAfterUnpin,
        NativeBufferOverflow, LeakedPin, CollectedDelegateCallback, UseAfterUnmap,
    ];

    /// <summary>The option that turns <paramref name="kind"/> off: <c>detect_</c> + the kind with '-' as '_'.</summary>
    /// <param name="kind">A kind string.</param>
    public static string OptionName(string kind) => "detect_" + kind.Replace('-', '_');

    /// <summary>The report id of a kind (IG0001-style number of interopguard.h's ig_kind_t); 0 if unknown.</summary>
    /// <param name="kind">A kind string.</param>
    public static int Id(string kind) => kind switch
    {
        NativeUseAfterFree => 1,
        NativeBufferOverflow => 2,
        UseAfterUnpin => 5,
        UnpinnedManagedPointer => 6,
        DanglingManagedPointer => 7,
        CollectedDelegateCallback => 8,
        UseAfterUnmap => 12,
        LeakedPin => 13,
        _ => 0,
    };

    internal static bool IsKnown(string kind) => Array.IndexOf(All, kind) >= 0;
}
