// ValidatorStatusWarnings.cs: the sentences of the validator's status lines in the target (started, ready, not found, stopped, a line it could not use); ValidatorSession and ValidatorChannel pass the facts.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace InteropGuard.Reporting;

/// <summary>Facts → the status and warning lines about the validator child. Pure; <see cref="Reporter.Warn"/> prints them.</summary>
internal static class ValidatorStatusWarnings
{
    private const string Off = "validation is off, call-boundary checks continue";

    /// <summary>Guard.Validate called on the validator's reader thread (from a ViolationReported handler).</summary>
    public const string ValidateOnReaderThread =
        "InteropGuard: warning: Guard.Validate called from a ViolationReported handler of a validator finding returns no findings (it would wait for itself); call it from another thread.";

    /// <summary>Guard.Validate while the validator is not running.</summary>
    public const string ValidateWithoutValidator =
        "InteropGuard: warning: Guard.Validate: the validator is not running (see the warning above), so nothing was validated; it returns no findings from now on. Call-boundary checks continue.";

    /// <summary>INTEROPGUARD=2, and no validator at any of the <paramref name="looked"/> places.</summary>
    public static string NotFound(IEnumerable<string> looked) =>
        "InteropGuard: warning: INTEROPGUARD=2 but the validator was not found (looked at: " + string.Join(", ", looked)
        + "); " + Off + ". Put the interopguard tool on PATH or set INTEROPGUARD_OPTIONS=validator_path=<path of InteropGuard.Cli.dll>.";

    /// <summary>The process <paramref name="shown"/> could not be started (<paramref name="why"/>: the OS's message).</summary>
    public static string CouldNotStart(string shown, string why) =>
        $"InteropGuard: warning: the validator '{shown}' could not be started ({why}); {Off}.";

    /// <summary>Starting the validator failed unexpectedly.</summary>
    public static string StartFailed(Exception e) =>
        $"InteropGuard: warning: the validator could not be started ({e.GetType().Name}: {e.Message}); {Off}.";

    /// <summary>verbosity=2: the validator's command line.</summary>
    public static string Started(int pid, string shown, IEnumerable<string> arguments) =>
        $"InteropGuard: started the validator (pid {pid}): {shown} {string.Join(' ', arguments)}";

    /// <summary>prctl(PR_SET_PTRACER) failed with <paramref name="errno"/>.</summary>
    public static string PtracerRefused(int pid, int errno) =>
        $"InteropGuard: warning: prctl(PR_SET_PTRACER, {pid}) failed (errno {errno}); the validator may be refused when it attaches (see /proc/sys/kernel/yama/ptrace_scope).";

    /// <summary>The exit sweep failed unexpectedly.</summary>
    public static string ExitSweepFailed(Exception e) => $"InteropGuard: warning: the exit sweep failed ({e.GetType().Name}: {e.Message}).";

    /// <summary>verbosity≥1: the validator said ready, after <paramref name="warmupMs"/> when it measured it.</summary>
    public static string Ready(int pid, double? warmupMs) =>
        $"InteropGuard: the validator (pid {pid}) is ready" + (warmupMs is { } ms ? " after " + ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "");

    /// <summary>A line that is not a protocol message (<paramref name="excerpt"/>: its start).</summary>
    public static string NotAMessage(int pid, string excerpt) =>
        $"InteropGuard: warning: the validator (pid {pid}) wrote a line that is not a protocol message; it is ignored, and so are later ones: {excerpt}";

    /// <summary>A warning the validator sent, worded by <see cref="SweepWarningWording"/>.</summary>
    public static string Relayed(int pid, string text) => $"InteropGuard: warning: the validator (pid {pid}): {text}";

    /// <summary>A line this process failed to handle.</summary>
    public static string LineNotHandled(int pid, Exception e, string excerpt) =>
        $"InteropGuard: warning: a line from the validator (pid {pid}) could not be handled ({e.GetType().Name}: {e.Message}); it is ignored: {excerpt}";

    /// <summary>A finding of a kind this InteropGuard.dll does not know.</summary>
    public static string UnknownKind(int pid, string? kind) =>
        $"InteropGuard: warning: the validator (pid {pid}) reported a finding of unknown kind '{kind}'; it is ignored (is InteropGuard.Cli newer than InteropGuard.dll?)";

    /// <summary>The validator's fatal error.</summary>
    public static string Fatal(int pid, string message) =>
        $"InteropGuard: warning: the validator (pid {pid}) cannot go on: {message}; {Off}";

    /// <summary>The validator stopped for <paramref name="reason"/>.</summary>
    public static string Stopped(int pid, string reason) =>
        $"InteropGuard: warning: the validator (pid {pid}) stopped ({reason}); {Off}";
}
