// GuardedStartup.cs: starts the runtime with the process: called by the module initializer the generator emits into every instrumented assembly, and by the startup hook of `interopguard run`; prints the one start-up line.
using System;
using System.ComponentModel;
using System.Threading;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Validation;

namespace InteropGuard.Interception;

/// <summary>The process start of InteropGuard (docs/design/generator.md, "Start-up"). The first caller initialises the
/// runtime (<c>INTEROPGUARD</c>, options, native library) and, in mode 2, starts the validator and waits for its first
/// sweep (bounded by <c>validator_timeout_ms</c>), so the validator checks native memory from before <c>Main</c>'s
/// first line whether or not an intercepted call ever runs. With <c>verbosity=1</c> one line says the mode, the
/// validator's pid, the options in force and what this build does not check. Never throws; for generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GuardedStartup
{
    /// <summary>What a program whose entry assembly the generator did not instrument cannot have checked (the startup hook's case).</summary>
    internal const string NotCheckedWithoutPackage =
        "P/Invoke call boundaries (the program was built without the InteropGuard package's generator, with no package or as a Release build: no call is intercepted, so no pointer argument is checked and no call-scoped pin, callback or SafeHandle is recorded; a Debug build with the package reference gets them)";

    private static int s_started;

    /// <summary>True while (and after) a module initializer or the startup hook starts the runtime: the runtime's
    /// static constructor then leaves the start-up line to this class.</summary>
    internal static bool Starting => Volatile.Read(ref s_started) != 0;

    /// <summary>Called by the module initializer generated into an instrumented assembly (it runs before the
    /// assembly's first code: before <c>Main</c> for the program itself).</summary>
    /// <param name="assembly">The instrumented assembly's name.</param>
    /// <param name="notChecked">What the generator could not check in it ("" when nothing): skipped call sites and
    /// arguments not recorded, with their diagnostic ids.</param>
    public static void Initialize(string assembly, string notChecked)
    {
        string gaps = string.IsNullOrEmpty(notChecked) ? "" : assembly + ": " + notChecked;
        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            // A second instrumented assembly (a library loaded later): the runtime runs already; say what it misses.
            if (gaps.Length > 0 && GuardRuntime.Options.Verbosity >= 1)
            {
                Reporter.Warn("InteropGuard: not checked in " + gaps);
            }

            return;
        }

        Start(gaps);
    }

    /// <summary>Called by the startup hook <c>interopguard run</c> sets for programs built without the package.</summary>
    internal static void InitializeFromStartupHook()
    {
        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            return;
        }

        Start(NotCheckedWithoutPackage);
    }

    private static void Start(string notChecked)
    {
        try
        {
            if (GuardRuntime.Mode == GuardMode.Validator && GuardRuntime.Enabled)
            {
                // Outside the runtime's static constructor: the channel's reader thread reads GuardRuntime.Options, so
                // waiting inside the constructor would wait for a thread that waits for the constructor.
                ValidatorSession.SweepAtStart();
            }

            if (GuardRuntime.Options.Verbosity >= 1)
            {
                Reporter.Warn(StartLine(notChecked));
            }
        }
        catch (Exception e)
        {
            Reporter.Warn($"InteropGuard: warning: start-up failed ({e.GetType().Name}: {e.Message}); the program runs on with what still works.");
        }
    }

    /// <summary>The one start-up line: mode, validator, native library, options, what is not checked.</summary>
    internal static string StartLine(string notChecked)
    {
        GuardMode mode = GuardRuntime.Mode;
        string validator = mode switch
        {
            GuardMode.Validator when ValidatorSession.Pid is int pid => "validator pid " + pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            GuardMode.Validator => "validator not running (see the warning above)",
            GuardMode.Release => "no validator (release mode)",
            _ => "no validator (INTEROPGUARD=2 adds it)",
        };
        // No build checks these, so the line always names them: calls inside referenced packages are compiled elsewhere, never
        // intercepted; native heaps are scanned only in mode 2 with native-heap tracking, which cannot see blocks allocated
        // before it hooked their library, nor the memory of the runtime and the system libraries it leaves out.
        string everywhere = "P/Invoke calls compiled into other assemblies (packages) at the call boundary; " + (NativeHeapTracking.Running
            ? "native blocks allocated before InteropGuard hooked their library (start-up, the library's own load), and the heaps of the runtime, libc, libstdc++, ICU and OpenSSL (docs/design/native-heap.md)"
            : "memory native libraries allocate themselves (the scan covers InteropGuard's blocks and libraries' .data/.bss; mode 2 with native_heap=1 adds native heaps)");
        string missing = notChecked.Length > 0 ? notChecked + "; " + everywhere : everywhere;
        if (mode == GuardMode.Off)
        {
            missing = "everything (INTEROPGUARD=0)";
        }
        else if (mode is GuardMode.Boundary or GuardMode.Release)
        {
            missing += "; native memory between calls (the validator's scan, mode 2)";
        }

        return $"InteropGuard: mode {GuardRuntime.ModeName(mode)} ({mode}), {(GuardRuntime.Enabled ? "enabled" : "disabled")}, {validator}, "
            + $"native library: {NativeLibraryResolver.LoadedPath ?? "(not loaded)"}; options: {GuardRuntime.Options.ToString(mode)}; not checked: {missing}";
    }
}
