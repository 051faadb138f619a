// ValidatorSweep.cs: one sweep the target asked for (demand or exit) until its `swept` arrives or the validator stops.
using System.Collections.Generic;
using System.Threading;

namespace InteropGuard.Validation;

/// <summary>A sweep sent to the validator and not yet answered. Completed by the reader thread with the findings
/// reported for it, or failed when the validator stops.</summary>
internal sealed class ValidatorSweep
{
    private readonly ManualResetEventSlim _done = new(false);

    public ValidatorSweep(long id, string reason, SourceSite? site)
    {
        Id = id;
        Reason = reason;
        Site = site;
    }

    /// <summary>The id sent in the <c>sweep</c> line (1, 2, ...; timer sweeps are 0 and never pending).</summary>
    public long Id { get; }

    /// <summary><c>demand</c> (Guard.Validate) or <c>exit</c>.</summary>
    public string Reason { get; }

    /// <summary>The caller of Guard.Validate; null for the exit sweep.</summary>
    public SourceSite? Site { get; }

    /// <summary>True once its <c>swept</c> arrived.</summary>
    public bool Completed { get; private set; }

    /// <summary>The findings reported for it (after detect_/suppression filtering); empty until completed.</summary>
    public IReadOnlyList<Violation> Findings { get; private set; } = [];

    /// <summary>Its <c>swept</c> arrived with these findings.</summary>
    public void Complete(IReadOnlyList<Violation> findings)
    {
        Findings = findings;
        Completed = true;
        _done.Set();
    }

    /// <summary>The validator stopped before answering.</summary>
    public void Fail() => _done.Set();

    /// <summary>Waits for completion or failure; false when <paramref name="milliseconds"/> passed first.</summary>
    public bool Wait(int milliseconds) => _done.Wait(milliseconds);
}
