// TrackedRange.cs: the shadow-table range a violation's address lies in or near (kind, user bytes, flags), as a violation carries it.
namespace InteropGuard.Violations;

/// <summary>A range of the shadow table as a report names it: "a 256-byte native buffer [a, b)".</summary>
/// <param name="Kind">Its kind; <see cref="RangeKind.None"/> when no range is known.</param>
/// <param name="Start">Its first user byte.</param>
/// <param name="Size">Its user bytes.</param>
/// <param name="Flags">Its <c>IG_RANGE_F_*</c> flags (a string pin, a pooled array, pinned for one call); 0 when none.</param>
internal readonly record struct TrackedRange(RangeKind Kind, nint Start, nint Size, uint Flags = 0)
{
    /// <summary>No range known.</summary>
    public static TrackedRange None => default;
}
