// TargetDiagnosis.cs: turns a failed attach into one clear sentence (no such process, not a .NET process, no InteropGuard runtime); runs only after Sweeper.Open failed.
using System;
using System.Globalization;
using System.IO;
using InteropGuard.Validator;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Cli;

/// <summary>Explains why <c>interopguard attach</c> cannot sweep a process. The engine finds the table before it looks
/// for the .NET runtime, so for a process that is not .NET at all it says "has not loaded libinteropguard.so"; this
/// looks once more (a non-suspending ClrMD attach: no ptrace stop) and says "not a .NET process" when no runtime is in it.</summary>
internal static class TargetDiagnosis
{
    /// <summary>The message for <paramref name="error"/> of process <paramref name="pid"/>, starting with what is wrong.</summary>
    public static string Explain(int pid, ValidatorException error)
    {
        string name = NameOf(pid);
        if (error.Kind is ValidatorErrorKind.TableNotFound or ValidatorErrorKind.TargetUnavailable && Exists(pid) && IsNotDotnet(pid))
        {
            return $"process {pid}{name} is not a .NET process (no .NET runtime is loaded in it): attach sweeps .NET programs that use InteropGuard " +
                   "(the InteropGuard package, run with INTEROPGUARD=1 or 2).";
        }

        return $"cannot sweep process {pid}{name}: {error.Message}";
    }

    private static bool Exists(int pid) => Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>True only when ClrMD could look and saw no CLR; any failure to look answers false (keep the engine's message).</summary>
    private static bool IsNotDotnet(int pid)
    {
        try
        {
            using DataTarget target = DataTarget.AttachToProcess(pid, suspend: false);
            return target.ClrVersions.Length == 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>" (name)" from /proc/pid/comm, or "" when unknown.</summary>
    private static string NameOf(int pid)
    {
        try
        {
            string comm = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/comm").Trim();
            return comm.Length == 0 ? "" : " (" + comm + ")";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
