// SweepReason.cs: why a sweep runs (the protocol's "reason"); decides whether every live pin is a leak.
namespace InteropGuard.Validator;

/// <summary>Why a sweep runs. The protocol spells them <c>timer</c>, <c>demand</c>, <c>exit</c>, <c>start</c>.</summary>
public enum SweepReason
{
    /// <summary>The validator's own timer (every <c>validator_interval_ms</c>).</summary>
    Timer,

    /// <summary>The target asked (<c>Guard.Validate()</c>), or a one-shot <c>interopguard attach</c>.</summary>
    Demand,

    /// <summary>The last sweep before the target exits: every live pin is a leak (<c>detect_leaked_pin</c>, on by default).</summary>
    Exit,

    /// <summary>The first sweep, asked for by the target's runtime at start-up (mode 2), before the program's Main runs.</summary>
    Start,
}
