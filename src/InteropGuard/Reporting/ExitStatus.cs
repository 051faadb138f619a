// ExitStatus.cs: the end of a process that reported anything: after the exit sweep, a program that would exit 0 exits with exit_code instead (on by default in mode 2), saying so once.
using System;
using System.Globalization;
using System.Threading;
using InteropGuard.Validation;

namespace InteropGuard.Reporting;

/// <summary>Makes findings fail the run, as LeakSanitizer's <c>exitcode</c> does: at <c>ProcessExit</c> the validator's
/// exit sweep runs first (mode 2), then, when <see cref="Reporter.Count"/> is not zero and the program is about to exit
/// 0, <see cref="Environment.ExitCode"/> becomes <c>exit_code</c>. A program that already fails keeps its own status.</summary>
internal static class ExitStatus
{
    private static int s_hooked;

    /// <summary>Hooks the exit path once. Called by <see cref="GuardRuntime"/> when the runtime is enabled. In mode 2
    /// inside a VSTest host without InteropGuard.NUnit it says once that findings cannot fail <c>dotnet test</c> there.</summary>
    public static void Hook()
    {
        if (Interlocked.Exchange(ref s_hooked, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => OnProcessExit();
        if (GuardRuntime.Mode == GuardMode.Validator && IsVsTestHost() && !IsLoaded(PerTestAssembly))
        {
            Reporter.Warn("InteropGuard: warning: this is a VSTest host (dotnet test): it ignores the exit status and is ended 100 ms after the last test, so findings of the validator's exit sweep cannot fail the run. "
                + "Reference the InteropGuard.NUnit package: it sweeps after each test and fails the test that left a finding.");
        }
    }

    /// <summary>The assembly of the InteropGuard.NUnit package, which fails the test during which a report was made.</summary>
    internal const string PerTestAssembly = "InteropGuard.NUnit";

    private static bool IsVsTestHost() =>
        string.Equals(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name, "testhost", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoaded(string assemblyName)
    {
        foreach (System.Reflection.Assembly a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (string.Equals(a.GetName().Name, assemblyName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The status the process should end with: <paramref name="current"/> unless it is 0, something was
    /// reported and <paramref name="exitCode"/> is not 0.</summary>
    internal static int Decide(int current, long reports, int exitCode) =>
        current == 0 && reports > 0 && exitCode != 0 ? exitCode : current;

    private static void OnProcessExit()
    {
        try
        {
            ValidatorSession.FinishAtExit();
            int exitCode = GuardRuntime.Options.ExitCodeIn(GuardRuntime.Mode);
            long reports = Reporter.Count;
            int current = Environment.ExitCode;
            int status = Decide(current, reports, exitCode);
            if (status == current)
            {
                return;
            }

            Environment.ExitCode = status;
            Reporter.Warn(string.Create(CultureInfo.InvariantCulture,
                $"InteropGuard: {reports} report(s) in this process: exit code {status} instead of 0. HINT: to keep the program's exit code set INTEROPGUARD_OPTIONS=exit_code=0"));
        }
        catch (Exception e)
        {
            Reporter.Warn($"InteropGuard: warning: the exit status could not be set ({e.GetType().Name}: {e.Message}).");
        }
    }
}
