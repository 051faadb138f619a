// GuardRuntime.cs: process start-up of the managed runtime: reads INTEROPGUARD and INTEROPGUARD_OPTIONS once, loads and initialises the native library, starts the validator in mode 2.
using System;
using System.Diagnostics;
using System.IO;

namespace InteropGuard;

/// <summary>Mode, options and native-library state of the process. Initialised once, on first use of any guard type;
/// never throws (a failure prints one warning and leaves the runtime unguarded).</summary>
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
        Mode = ParseMode(Environment.GetEnvironmentVariable("INTEROPGUARD"), warnings);
        string? optionsText = Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS");
        s_options = GuardOptions.Parse(optionsText, warnings);
        if (Mode != GuardMode.Off)
        {
            Enabled = TryStartNative(optionsText, warnings);
        }

        if (Mode == GuardMode.Validator && Enabled)
        {
            // Mode 2: the validator child starts in the background (a cold start takes ~300 ms; nothing waits for it here).
            ValidatorSession.Begin((nint)IgNative.ig_table(), s_options.ValidatorPath);
        }

        if (s_options.Verbosity >= 1)
        {
            warnings.WriteLine($"InteropGuard: mode {(int)Mode} ({Mode}), {(Enabled ? "enabled" : "disabled")}, native library: {NativeLibraryResolver.LoadedPath ?? "(not loaded)"}");
            warnings.WriteLine("InteropGuard: options: " + s_options);
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

    /// <summary>Parses an <c>INTEROPGUARD</c> value: null/empty = 1; 0, 1, 2 (also off/boundary/validator); anything else
    /// warns naming the valid values and gives 1.</summary>
    internal static GuardMode ParseMode(string? value, TextWriter? warnings)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return GuardMode.Boundary;
        }

        switch (value.Trim().ToLowerInvariant())
        {
            case "0": case "off": return GuardMode.Off;
            case "1": case "boundary": return GuardMode.Boundary;
            case "2": case "validator": return GuardMode.Validator;
            default:
                warnings?.WriteLine($"InteropGuard: warning: INTEROPGUARD='{value}' is not a valid mode (valid: 0 = off, 1 = call-boundary checks, 2 = adds the validator); using 1");
                return GuardMode.Boundary;
        }
    }

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

            IgStatus status = IgNative.ig_init(optionsText ?? "", IgConstants.InitQuiet);
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
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            warnings.WriteLine("InteropGuard: warning: the native library could not be initialised (" + e.Message + "); running UNGUARDED");
            return false;
        }
    }
}
