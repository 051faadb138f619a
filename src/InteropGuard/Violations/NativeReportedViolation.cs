// NativeReportedViolation.cs: the shape of a violation the native library found by itself (ig_free of a freed block, a damaged redzone) and handed to the report hook.
namespace InteropGuard.Violations;

/// <summary>A violation native code reported through <c>ig_set_report_hook</c>; any kind the native side detects.</summary>
internal sealed record NativeReportedViolation : Violation
{
    /// <summary>A violation of <paramref name="kind"/> at <paramref name="address"/>.</summary>
    public NativeReportedViolation(ViolationKind kind, nint address) : base(kind, address)
    {
    }

    /// <summary>For a damaged redzone, the signed distance of the first damaged byte from the block's end when the address does not say.</summary>
    public long RedzoneOffset { get; init; }
}
