// ValidatorSettings.cs: the options the validator reads from INTEROPGUARD_OPTIONS (same names as the target's table; lenient, unknown keys ignored).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace InteropGuard.Validator;

/// <summary>What a sweep checks and how often. Parsed from an <c>INTEROPGUARD_OPTIONS</c> string
/// (<c>key=value:key=value</c>, docs/design/options.md). The target already warned about unknown keys and bad values,
/// so here they are ignored silently and the default stays.</summary>
public sealed class ValidatorSettings
{
    private readonly Dictionary<string, bool> _detect = new(StringComparer.Ordinal);

    private ValidatorSettings()
    {
        foreach (string kind in FindingKinds.All)
        {
            _detect[kind] = true;
        }
    }

    /// <summary>The defaults (every check on, 1000 ms interval, pins checked for leaks only at exit).</summary>
    public static ValidatorSettings Default => new();

    /// <summary><c>validator_interval_ms</c>: milliseconds between timer sweeps; 0 = no timer sweeps.</summary>
    public int IntervalMs { get; private set; } = 1000;

    /// <summary><c>pin_leak_ms</c>: a pin or callback alive longer than this is a <c>leaked-pin</c> at any sweep; 0 (the
    /// default) = only pins still alive at the exit sweep are.</summary>
    public long PinLeakMs { get; private set; }

    /// <summary><c>verbosity</c>: 1 logs every sweep on stderr.</summary>
    public int Verbosity { get; private set; }

    /// <summary>Parses an options string; null or empty gives the defaults. Never throws.</summary>
    /// <param name="options">The value of <c>INTEROPGUARD_OPTIONS</c>, or null.</param>
    public static ValidatorSettings Parse(string? options)
    {
        var settings = new ValidatorSettings();
        if (string.IsNullOrWhiteSpace(options))
        {
            return settings;
        }

        foreach (string part in options.Split([':', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            settings.Apply(part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim());
        }

        return settings;
    }

    /// <summary>Reads <c>INTEROPGUARD_OPTIONS</c> from this process's environment.</summary>
    public static ValidatorSettings FromEnvironment() => Parse(Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS"));

    /// <summary>True when findings of <paramref name="kind"/> are reported (its <c>detect_</c> option is 1). Unknown kinds: true.</summary>
    /// <param name="kind">A kind string such as <c>unpinned-managed-pointer</c>.</param>
    public bool IsEnabled(string kind) => !_detect.TryGetValue(kind, out bool on) || on;

    private void Apply(string key, string value)
    {
        switch (key)
        {
            case "validator_interval_ms":
                if (TryInt(value, out long interval) && interval <= int.MaxValue)
                {
                    IntervalMs = (int)interval;
                }

                return;
            case "pin_leak_ms":
                if (TryInt(value, out long leak))
                {
                    PinLeakMs = leak;
                }

                return;
            case "verbosity":
                if (TryInt(value, out long verbosity) && verbosity <= 10)
                {
                    Verbosity = (int)verbosity;
                }

                return;
        }

        if (key.StartsWith("detect_", StringComparison.Ordinal) && TryBool(value, out bool on))
        {
            string kind = key["detect_".Length..].Replace('_', '-');
            if (FindingKinds.IsKnown(kind))
            {
                _detect[kind] = on;
            }
        }
    }

    private static bool TryInt(string value, out long result) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= 0;

    private static bool TryBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "1":
            case "true":
                result = true;
                return true;
            case "0":
            case "false":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }
}
