// ArrayPoolUseAfterReturnCheck.cs: array-pool-use-after-return (IG0010): a pointer into a returned pooled array at a call, a write found in the poison of a returned array, a second return, a return while pinned (on with detect_array_pool_use_after_return).
using System;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Violations;

namespace InteropGuard.Checks;

/// <summary>Builds the <c>array-pool-use-after-return</c> violations of <see cref="GuardedArrayPool{T}"/>. Detection only.</summary>
internal static class ArrayPoolUseAfterReturnCheck
{
    private static bool IsOn => GuardRuntime.Options.IsDetected(ViolationKind.ArrayPoolUseAfterReturn);

    /// <summary>Guard.Check found a pointer into a released pooled range: reported when the array is provably still
    /// returned (quarantined or idle at the same address); null when off or not confirmed (rented again, gone, moved).</summary>
    public static Violation? DetectAtCall(in IgViolation native, in CallSite call)
    {
        if (!IsOn)
        {
            return null; // detect_array_pool_use_after_return=0
        }

        if (native.HasRange == 0 || PooledArrays.ConfirmReturned(native.Range.Id) is null)
        {
            return null; // rented again or out of the guarded pool's hands: the address may be in legitimate use
        }

        return ViolationFactory.AtCall(ViolationKind.ArrayPoolUseAfterReturn, in native, in call, call.ToSourceSite(2));
    }

    /// <summary>The poison of a returned array differs in [<paramref name="first"/>, <paramref name="last"/>] (byte offsets,
    /// <paramref name="damaged"/> bytes in all): something wrote it after the return. <paramref name="byVerify"/>: found by
    /// Verify, else when the array left the quarantine.</summary>
    public static Violation? WrittenAfterReturn(PooledArrayRecord record, Array array, int first, int last, int damaged, bool byVerify, SourceSite? found)
    {
        if (!IsOn)
        {
            return null;
        }

        nint start = record.ReturnAddress;
        return new PooledArrayWrittenViolation(start + first, TypeText(array), damaged, byVerify)
        {
            Size = last - first + 1, AccessSite = found, Range = Returned(start, record), AllocationSite = record.RentSite,
            ReleaseSite = record.ReturnSite, SinceRelease = Since(record.ReturnNs),
        };
    }

    /// <summary>A second return of an array that is still returned (quarantined, or idle in the guarded pool).</summary>
    public static Violation? DoubleReturn(PooledArrayRecord record, Array array, SourceSite site)
    {
        if (!IsOn)
        {
            return null;
        }

        nint start = PooledArrayRecord.DataAddress(array);
        return new PooledArrayReturnedTwiceViolation(start, TypeText(array), record.State)
        {
            AccessSite = site, Range = Returned(start, record), AllocationSite = record.RentSite, ReleaseSite = record.ReturnSite,
            SinceRelease = Since(record.ReturnNs),
        };
    }

    /// <summary>A return of an array a live Guard.Pin (taken at <paramref name="pinSite"/>) still pins.</summary>
    public static Violation? ReturnWhilePinned(PooledArrayRecord record, Array array, SourceSite pinSite, SourceSite site)
    {
        if (!IsOn)
        {
            return null;
        }

        nint start = PooledArrayRecord.DataAddress(array);
        return new PooledArrayReturnedPinnedViolation(start, TypeText(array))
        {
            AccessSite = site, Range = Returned(start, record), AllocationSite = record.RentSite, ReleaseSite = pinSite,
        };
    }

    /// <summary>The array's bytes as the pool's pin-like range.</summary>
    private static TrackedRange Returned(nint start, PooledArrayRecord record) =>
        new(RangeKind.ManagedPin, start, record.ByteLength, IgConstants.FlagPooledArray);

    /// <summary>"byte[4096]".</summary>
    private static string TypeText(Array array)
    {
        string name = array.GetType().GetElementType()?.Name switch
        {
            "Byte" => "byte", "SByte" => "sbyte", "Char" => "char", "Int16" => "short", "UInt16" => "ushort",
            "Int32" => "int", "UInt32" => "uint", "Int64" => "long", "UInt64" => "ulong", "Single" => "float",
            "Double" => "double", { } other => other, null => "?",
        };
        return name + "[" + array.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
    }

    private static TimeSpan? Since(ulong returnNs)
    {
        if (returnNs == 0)
        {
            return null;
        }

        ulong now = GuardRuntime.MonotonicNs();
        return TimeSpan.FromTicks((long)((now > returnNs ? now - returnNs : 0) / 100));
    }
}
