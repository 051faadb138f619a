// PauseSummary.cs - how long validator sweeps stopped the mode-2 process while the gate measured, summed over launches;
// the share of time it was stopped turns mode 2's CPU time into the time a program takes.
namespace InteropGuard.DebugGate;

/// <summary>Sweeps, their summed pause and the measuring time they fell in.</summary>
/// <param name="Sweeps">Sweeps logged while measuring.</param>
/// <param name="PausedMs">Their pauses, summed, in ms.</param>
/// <param name="WindowMs">Wall time of measuring (every launch, from the first iteration to the last), in ms.</param>
internal sealed record PauseSummary(int Sweeps, double PausedMs, double WindowMs)
{
    /// <summary>The share of the measuring time the process was stopped (0 when nothing was measured).</summary>
    public double Share => WindowMs > 0 ? PausedMs / WindowMs : 0;

    /// <summary>Mean pause per sweep, ms.</summary>
    public double MeanMs => Sweeps > 0 ? PausedMs / Sweeps : 0;

    /// <summary>This summary plus one launch's sweeps.</summary>
    public PauseSummary Add(int sweeps, double pausedMs, double windowMs) => new(Sweeps + sweeps, PausedMs + pausedMs, WindowMs + windowMs);
}
