// ViolationKind.cs: the kinds of interop bug InteropGuard reports; numerically identical to ig_kind_t in interopguard.h.
namespace InteropGuard;

/// <summary>The kind of a violation. The numeric value is the report id (<c>IG0001</c> = 1) and equals <c>ig_kind_t</c>.</summary>
public enum ViolationKind
{
    /// <summary>No violation.</summary>
    None = 0,
    /// <summary><c>native-use-after-free</c>: a pointer into a freed (quarantined) native block reached a call.</summary>
    NativeUseAfterFree = 1,
    /// <summary><c>native-buffer-overflow</c>: an access range leaves its block, or a redzone canary was overwritten.</summary>
    NativeBufferOverflow = 2,
    /// <summary><c>double-free</c>: a native block was freed twice.</summary>
    DoubleFree = 3,
    /// <summary><c>invalid-free</c>: an address the allocator never returned (or an interior one) was freed.</summary>
    InvalidFree = 4,
    /// <summary><c>use-after-unpin</c>: a pointer into a managed range whose pin was released reached a call.</summary>
    UseAfterUnpin = 5,
    /// <summary><c>unpinned-managed-pointer</c>: a pointer into a live managed object that is not pinned (validator).</summary>
    UnpinnedManagedPointer = 6,
    /// <summary><c>dangling-managed-pointer</c>: a pointer into managed memory where no live object is (validator).</summary>
    DanglingManagedPointer = 7,
    /// <summary><c>collected-delegate-callback</c>: native code holds a function pointer whose delegate was collected or released.</summary>
    CollectedDelegateCallback = 8,
    /// <summary><c>invalid-handle</c>: a checked handle used after free, freed twice, or never issued.</summary>
    InvalidHandle = 9,
    /// <summary><c>array-pool-use-after-return</c>: a pooled array used after it was returned.</summary>
    ArrayPoolUseAfterReturn = 10,
    /// <summary><c>handle-released-in-use</c>: a SafeHandle released while native code still uses it.</summary>
    HandleReleasedInUse = 11,
    /// <summary><c>use-after-unmap</c>: a pointer into a memory-mapped view that was unmapped.</summary>
    UseAfterUnmap = 12,
    /// <summary><c>leaked-pin</c>: a pin or pinned GCHandle still alive at exit (or older than <c>pin_leak_ms</c>), a GuardedSafeHandle only its finalizer released.</summary>
    LeakedPin = 13,
}
