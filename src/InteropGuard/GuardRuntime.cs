// GuardRuntime.cs: process start-up of the managed runtime: reads INTEROPGUARD and INTEROPGUARD_OPTIONS once, loads and initialises the native library, starts the validator in mode 2.
using System;
using System.Diagnostics;
using System.IO;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Options;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Validation;

namespace InteropGuard;

/// <summary>Mode, options and native-library state of the process. Initialised once, by the module initializer of an
/// instrumented assembly or the startup hook of <c>interopguard run</c> (<see cref="Interception.GuardedStartup"/>), else
/// on first use of any guard type; never throws (a failure prints one warning and leaves the runtime unguarded).</summary>
internal static unsafe class GuardRuntime
{
    /// <summary>The mode from <c>INTEROPGUARD</c>, read once.</summary>
    public static readonly GuardMode Mode;

    /// <summary>Mode != Off and the native library loaded and initialised.</summary>
    public static readonly bool Enabled;

    private static volatile GuardOptions s_options;

    static GuardRuntime()
    {
        TextWriter warnings = Console.Error;
        Mode = ParseMode(Environment.GetEnvironmentVariable("INTEROPGUARD"), AppContext.GetData(DefaultModeSwitch) as string, warnings);
        string? optionsText = Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS");
        s_options = GuardOptions.Parse(optionsText, warnings);
        if (Mode != GuardMode.Off)
        {
            Enabled = TryStartNative(optionsText, warnings);
        }

        if (Mode == GuardMode.Validator && Enabled)
        {
            // Mode 2: the validator child is started here (a fork and exec); its warm-up (~300 ms) runs in the child.
            // GuardedStartup waits for its first sweep when a module initializer or the startup hook started the runtime.
            ValidatorSession.Begin((nint)IgNative.ig_table(), s_options.ValidatorPath);
        }

        if (Enabled)
        {
            ExitStatus.Hook(); // after the validator's exit hook: findings of the exit sweep count
        }

        if (s_options.Verbosity >= 1 && !Interception.GuardedStartup.Starting)
        {
            // First used by code the generator did not instrument (no module initializer ran): the start-up line here.
            Reporting.Reporter.Warn(Interception.GuardedStartup.StartLine("P/Invoke calls of assemblies built without the InteropGuard package's generator"));
        }
    }

    /// <summary>The options in effect. Replaceable by tests (managed behaviour only; the native side keeps the
    /// options it was initialised with).</summary>
    public static GuardOptions Options
    {
        get => s_options;
        set => s_options = value ?? GuardOptions.Default;
    }

    /// <summary>Now, in ns, on the clock native range times use (see <see cref="MonotonicClock"/>).</summary>
    public static ulong MonotonicNs() => MonotonicClock.NowNs();

    /// <summary>The runtimeconfig knob (<c>RuntimeHostConfigurationOption</c>) through which a build sets the mode used
    /// when <c>INTEROPGUARD</c> is unset: the package's targets set it to <c>release</c> for builds with
    /// <c>InteropGuardRelease=true</c>.</summary>
    internal const string DefaultModeSwitch = "InteropGuard.DefaultMode";

    /// <summary>The mode as <c>INTEROPGUARD</c> spells it: 0, 1, 2 or release.</summary>
    internal static string ModeName(GuardMode mode) => mode == GuardMode.Release ? "release" : ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses an <c>INTEROPGUARD</c> value: null/empty = the build's default (<paramref name="buildDefault"/>,
    /// from the <see cref="DefaultModeSwitch"/> knob), else 1; 0, 1, 2, release, or the names off, boundary, validator
    /// (any case, surrounding spaces ignored; docs/design/options.md, "Mode"); anything else warns, quoting a short
    /// escaped excerpt and naming the valid values, and gives the default.</summary>
    internal static GuardMode ParseMode(string? value, string? buildDefault, TextWriter? warnings)
    {
        GuardMode fallback = GuardMode.Boundary;
        if (!string.IsNullOrWhiteSpace(buildDefault))
        {
            GuardMode? fromBuild = TryParseMode(buildDefault);
            if (fromBuild is null)
            {
                warnings?.WriteLine($"InteropGuard: warning: the build's default mode '{OptionGrammar.Excerpt(buildDefault)}' ({DefaultModeSwitch} in runtimeconfig.json) is not a valid mode (valid: 0, 1, 2, release); using 1");
            }
            else
            {
                fallback = fromBuild.Value;
            }
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        GuardMode? mode = TryParseMode(value);
        if (mode is null)
        {
            warnings?.WriteLine($"InteropGuard: warning: INTEROPGUARD='{OptionGrammar.Excerpt(value)}' is not a valid mode (valid: 0 = off, 1 = call-boundary checks, 2 = adds the validator, release = sampled guard pages and light checks; off, boundary and validator also name 0, 1 and 2); using {ModeName(fallback)}");
            return fallback;
        }

        return mode.Value;
    }

    /// <summary>Parses an <c>INTEROPGUARD</c> value without a default (see <see cref="ParseMode(string?, string?, TextWriter?)"/>).</summary>
    internal static GuardMode ParseMode(string? value, TextWriter? warnings) => ParseMode(value, null, warnings);

    private static GuardMode? TryParseMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "0" or "off" => GuardMode.Off,
        "1" or "boundary" => GuardMode.Boundary,
        "2" or "validator" => GuardMode.Validator,
        "release" => GuardMode.Release,
        _ => null,
    };

    private static bool TryStartNative(string? optionsText, TextWriter warnings)
    {
        try
        {
            var managed = NativeLayout.ManagedMismatches();
            if (managed.Count > 0)
            {
                warnings.WriteLine("InteropGuard: warning: struct layout mismatch (" + string.Join("; ", managed) + "); running UNGUARDED");
                return false;
            }

            if (!NativeLibraryResolver.TryLoad(warnings))
            {
                return false;
            }

            // Mode 2 fills new blocks completely: the validator scans them and must never read a word nobody wrote.
            uint flags = IgConstants.InitQuiet | Mode switch
            {
                GuardMode.Release => IgConstants.InitRelease,
                GuardMode.Validator => IgConstants.InitFullFill,
                _ => 0u,
            };
            IgStatus status = IgNative.ig_init(optionsText ?? "", flags);
            if (status != IgStatus.Ok)
            {
                warnings.WriteLine($"InteropGuard: warning: ig_init failed ({status}); running UNGUARDED");
                return false;
            }

            var native = NativeLayout.NativeMismatches(IgNative.ig_table());
            if (native.Count > 0)
            {
                warnings.WriteLine("InteropGuard: warning: " + NativeLibraryResolver.LoadedPath + " does not match this InteropGuard.dll (" + string.Join("; ", native) + "); running UNGUARDED");
                return false;
            }

            NativeReportHook.Install();
            if (Mode == GuardMode.Validator)
            {
                NativeHeapTracking.Start(warnings);
            }

            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            warnings.WriteLine("InteropGuard: warning: the native library could not be initialised (" + e.Message + "); running UNGUARDED");
            return false;
        }
    }
}
