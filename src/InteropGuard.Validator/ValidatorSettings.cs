// ValidatorSettings.cs: the options a sweep reads, parsed from INTEROPGUARD_OPTIONS by the runtime's one parser (GuardOptions).
using System;
using System.IO;
using InteropGuard;

namespace InteropGuard.Validator;

/// <summary>What a sweep checks and how often: a view of <see cref="GuardOptions"/> (docs/design/options.md), so the
/// target and its validator read the same string the same way. The target already warned about unknown keys and bad
/// values, so the validator parses without warnings (a bad value keeps the default on both sides).</summary>
public sealed class ValidatorSettings
{
    private readonly GuardOptions _options;

    private ValidatorSettings(GuardOptions options) => _options = options;

    /// <summary>The defaults (every check on, 1000 ms interval, pins checked for leaks only at exit, 30000 ms stop deadline).</summary>
    public static ValidatorSettings Default { get; } = new(GuardOptions.Default);

    /// <summary><c>validator_interval_ms</c>: milliseconds between timer sweeps; 0 = no timer sweeps.</summary>
    public int IntervalMs => _options.ValidatorIntervalMs;

    /// <summary><c>pin_leak_ms</c>: a pin or callback alive longer than this is a <c>leaked-pin</c> at any sweep; 0 (the
    /// default) = only pins still alive at the exit sweep are.</summary>
    public long PinLeakMs => _options.PinLeakMs;

    /// <summary><c>validator_timeout_ms</c>: the hard deadline of one stop of the target, enforced by the stop sentinel
    /// (a validator that keeps the target stopped longer is killed and the target resumed). The target waits as long for
    /// an answer.</summary>
    public int TimeoutMs => _options.ValidatorTimeoutMs;

    /// <summary><c>verbosity</c>: 1 logs every sweep on stderr; 2 also each stop's time by phase (<see cref="SweepResult.ToPhasesLogLine"/>).</summary>
    public int Verbosity => _options.Verbosity;

    /// <summary>Parses an options string; null or empty gives the defaults. Never throws, never warns.</summary>
    /// <param name="options">The value of <c>INTEROPGUARD_OPTIONS</c>, or null.</param>
    public static ValidatorSettings Parse(string? options) => new(GuardOptions.Parse(options, null));

    /// <summary>Parses an options string a user gave the validator directly (not through a target that warned already):
    /// unknown keys and bad values write the runtime's warnings to <paramref name="warnings"/>. Never throws.</summary>
    /// <param name="options">Options text, or null.</param>
    /// <param name="warnings">Receives one line per problem; null = none.</param>
    public static ValidatorSettings Parse(string? options, TextWriter? warnings) => new(GuardOptions.Parse(options, warnings));

    /// <summary>Reads <c>INTEROPGUARD_OPTIONS</c> from this process's environment.</summary>
    public static ValidatorSettings FromEnvironment() => Parse(Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS"));

    /// <summary>True when findings of <paramref name="kind"/> are reported (its <c>detect_</c> option is 1). Unknown kinds: true.</summary>
    /// <param name="kind">A kind string such as <c>unpinned-managed-pointer</c>.</param>
    public bool IsEnabled(string kind) => FindingKinds.Kind(kind) is not { } k || _options.IsDetected(k);
}
