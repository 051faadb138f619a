// ViolationContext.cs: where a violation was detected; chooses the wording of the report and whether it throws.
namespace InteropGuard.Reporting;

/// <summary>Where a violation was detected.</summary>
internal enum ViolationContext
{
    /// <summary>Guard.Check at a call boundary.</summary>
    Call = 0,
    /// <summary>NativeBuffer.Free or NativeBuffer.Dispose.</summary>
    Free = 1,
    /// <summary>Guard.Verify (canary sweep).</summary>
    Verify = 2,
    /// <summary>Use of a checked handle (Target, GetTarget).</summary>
    HandleUse = 3,
    /// <summary>CheckedHandle.Free.</summary>
    HandleFree = 4,
    /// <summary>Reported by native code through the report hook.</summary>
    Native = 5,
    /// <summary>Found by the validator child (mode 2) and read from its <c>finding</c> line.</summary>
    Validator = 6,
    /// <summary>GuardedArrayPool.Return of an array that is already returned (still in the pool's quarantine).</summary>
    PoolDoubleReturn = 7,
    /// <summary>GuardedArrayPool.Return of an array a live Guard.Pin still pins.</summary>
    PoolReturnWhilePinned = 8,
    /// <summary>The poison of a returned array checked when it left the pool's quarantine (during a Return).</summary>
    PoolQuarantineExit = 9,
    /// <summary>The poison of a returned array checked by GuardedArrayPool.Verify or Guard.Verify.</summary>
    PoolVerify = 10,
    /// <summary>Native code called the function pointer of a released GuardedCallback (its stub kept in callback_quarantine).</summary>
    CallbackInvoke = 11,
    /// <summary>A tracked SafeHandle was released (Dispose, Close or a finalizer) while native code retained it.</summary>
    HandleRelease = 12,
    /// <summary>HandleTracker.ReleasedByNative found the (plain) SafeHandle closed while native code still retained it.</summary>
    HandleReleasedByNative = 13,
    /// <summary>A GuardedSafeHandle was finalized without Dispose (a leak, reported as leaked-pin).</summary>
    HandleFinalized = 14,
}
