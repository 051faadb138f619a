// TargetSweepOrigin.cs: a finding's sweep of the target's own validator child (mode 2): its pid, the sweep's id and number, and why it ran.
namespace InteropGuard.Violations;

/// <summary>A sweep of the validator child this process started.</summary>
/// <param name="Pid">The validator's process id.</param>
/// <param name="SweepId">The id the target asked for the sweep with; 0 for the validator's timer sweeps.</param>
/// <param name="Number">The validator's own count of its sweeps (1..N); 0 when an older validator did not send it.</param>
/// <param name="Reason">Why the target asked for it (<c>demand</c>, <c>exit</c>, <c>start</c>); null for a timer sweep
/// or a sweep this process no longer waits for.</param>
/// <param name="AskedAt">The Guard.Validate call that asked for a demand sweep; null when unknown.</param>
internal sealed record TargetSweepOrigin(int Pid, long SweepId, long Number, string? Reason = null, SourceSite? AskedAt = null) : SweepOrigin;
