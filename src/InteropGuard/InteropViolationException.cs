// InteropViolationException.cs: thrown at a call boundary when a check finds a violation (unless halt_on_error=1).
using System;

namespace InteropGuard;

/// <summary>Thrown by a checked call (Check, Free, Dispose, a checked handle) when it finds a violation whose
/// <c>detect_</c> option is on and that no suppression silences. With <c>halt_on_error=1</c> the process
/// aborts instead. Message = headline + description.</summary>
public sealed class InteropViolationException : Exception
{
    internal InteropViolationException(Violation violation)
        : base(violation.Headline + Environment.NewLine + violation.Description)
    {
        Violation = violation;
    }

    /// <summary>The violation that was found; never null.</summary>
    public Violation Violation { get; }
}
