// AttachSweepOrigin.cs: a finding's sweep of an interopguard attach process: the tool's pid, its sweep number and the process it attached to.
namespace InteropGuard.Violations;

/// <summary>A sweep of <c>interopguard attach</c>.</summary>
/// <param name="ToolPid">The tool's process id.</param>
/// <param name="Number">The tool's count of its sweeps (1..N).</param>
/// <param name="TargetPid">The process it attached to.</param>
internal sealed record AttachSweepOrigin(int ToolPid, long Number, int TargetPid) : SweepOrigin;
