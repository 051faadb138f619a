// SweepOrigin.cs: which sweep of which validator found a validator finding, as data; the report's "found by" line words it.
namespace InteropGuard.Violations;

/// <summary>Where a <see cref="ValidatorViolation"/> comes from: the target's own validator child
/// (<see cref="TargetSweepOrigin"/>) or an <c>interopguard attach</c> process (<see cref="AttachSweepOrigin"/>).</summary>
internal abstract record SweepOrigin;
