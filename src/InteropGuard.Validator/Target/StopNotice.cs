// StopNotice.cs: where the stop sentinel says why it killed a validator that kept its target stopped too long.
namespace InteropGuard.Validator.Target;

/// <summary>Where the stop sentinel writes its one message when a sweep overruns its deadline and it kills the
/// validator: the channel the validator's own messages take.</summary>
public enum StopNotice
{
    /// <summary>A line of text on the validator's stderr (<c>interopguard attach</c>, tests).</summary>
    Log,

    /// <summary>A fatal <c>error</c> event on the validator's stdout (<c>serve</c>: the target's reader takes it as the
    /// validator's last words).</summary>
    Protocol,
}
