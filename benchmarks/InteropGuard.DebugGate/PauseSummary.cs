// PauseSummary.cs - how long validator sweeps stopped the mode-2 process while the gate measured, and how much CPU its
// validator spent, summed over launches; turns mode 2's CPU time into the time a program takes on a quiet machine.
namespace InteropGuard.DebugGate;

/// <summary>Sweeps, their logged pauses, the validator's CPU time and the measuring time they fell in.</summary>
/// <param name="Sweeps">Sweeps logged while measuring.</param>
/// <param name="PausedMs">Their pauses as the validator logged them (wall time the target was stopped), summed, in ms.</param>
/// <param name="ValidatorCpuMs">CPU time the validator process used while measuring, in ms.</param>
/// <param name="WindowMs">Wall time of measuring (every launch, from the first iteration to the last), in ms.</param>
internal sealed record PauseSummary(int Sweeps, double PausedMs, double ValidatorCpuMs, double WindowMs)
{
    /// <summary>Mean logged pause per sweep, ms.</summary>
    public double MeanMs => Sweeps > 0 ? PausedMs / Sweeps : 0;

    /// <summary>Validator CPU time per sweep, ms (all of its work while measuring, so at least what the sweeps took).</summary>
    public double CpuPerSweepMs => Sweeps > 0 ? ValidatorCpuMs / Sweeps : 0;

    /// <summary>What the gate charges a sweep: the logged pause, but no more than the validator's CPU time per sweep.
    /// On this shared machine the validator waits for a core while the target is stopped (a logged pause of hundreds
    /// of ms at a load average of 20), time a quiet machine does not add; the work it does during a pause is CPU time.</summary>
    public double ChargedMs => System.Math.Min(MeanMs, CpuPerSweepMs);

    /// <summary>The share of time a program is stopped when every <see cref="DebugSides.SweepIntervalMs"/> a sweep
    /// stops it for <see cref="ChargedMs"/>.</summary>
    public double Share => ChargedMs / (DebugSides.SweepIntervalMs + ChargedMs);

    /// <summary>The share of the measuring window the process was stopped, as logged (machine load included).</summary>
    public double LoggedShare => WindowMs > 0 ? PausedMs / WindowMs : 0;

    /// <summary>This summary plus one launch's sweeps.</summary>
    public PauseSummary Add(int sweeps, double pausedMs, double validatorCpuMs, double windowMs) =>
        new(Sweeps + sweeps, PausedMs + pausedMs, ValidatorCpuMs + validatorCpuMs, WindowMs + windowMs);
}
