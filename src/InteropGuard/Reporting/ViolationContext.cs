// ViolationContext.cs: where a violation was detected; chooses the wording of the report and whether it throws.
namespace InteropGuard;

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
}
