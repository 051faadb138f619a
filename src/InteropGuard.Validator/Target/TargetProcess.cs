// TargetProcess.cs: ClrMD's suspended attach (the stop of a sweeper without a kept runtime), the runtime and the table of a target; turns attach failures into errors that say the fix.
using System;
using System.Globalization;
using System.IO;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Target;

/// <summary>Attach, runtime and table discovery. ClrMD's Linux attach ptrace-stops every thread (PTRACE_ATTACH, which
/// queues a SIGSTOP each: see <see cref="StopSentinel"/>); the default stop is <see cref="ThreadStop"/>.</summary>
internal static class TargetProcess
{
    /// <summary>Stops the target; throws <see cref="ValidatorException"/> when the process is gone or ptrace is refused.</summary>
    public static DataTarget Stop(int pid)
    {
        if (!Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
        {
            throw new ValidatorException(ValidatorErrorKind.TargetUnavailable,
                $"process {pid} does not exist (it exited, or the pid is wrong).");
        }

        try
        {
            return DataTarget.AttachToProcess(pid, suspend: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
            {
                throw new ValidatorException(ValidatorErrorKind.TargetUnavailable, $"process {pid} exited.", e);
            }

            throw new ValidatorException(ValidatorErrorKind.AttachRefused, AttachRefusedMessage(pid, e), e);
        }
    }

    /// <summary>The runtime of a stopped target; throws when it is not a .NET process.</summary>
    public static ClrRuntime CreateRuntime(DataTarget target, int pid)
    {
        if (target.ClrVersions.Length == 0)
        {
            throw new ValidatorException(ValidatorErrorKind.TargetUnavailable,
                $"process {pid} has no .NET runtime loaded (libcoreclr.so not found): the validator sweeps .NET processes only.");
        }

        try
        {
            // The DAC beside the target's libcoreclr.so when it is there (always, for an installed runtime): CreateRuntime()
            // without a path goes through ClrMD's symbol-server locator, which loads its Azure authentication stack. That DAC
            // is the target's own, so the version check (which cannot read a live module's version: "expected 0.0.") is off.
            ClrInfo clr = target.ClrVersions[0];
            string? local = LocalDac(clr);
            return local is not null ? clr.CreateRuntime(local, ignoreMismatch: true) : clr.CreateRuntime();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ValidatorException(ValidatorErrorKind.TargetUnavailable,
                $"cannot read the .NET runtime of process {pid} ({e.Message}); the DAC (libmscordaccore.so) of its runtime version must be readable.", e);
        }
    }

    /// <summary>libmscordaccore.so next to the target's libcoreclr.so, or null when it is not there.</summary>
    private static string? LocalDac(ClrInfo clr)
    {
        string? directory = Path.GetDirectoryName(clr.ModuleInfo.FileName ?? "");
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }

        string dac = Path.Combine(directory, "libmscordaccore.so");
        return File.Exists(dac) ? dac : null;
    }

    /// <summary>The address of the table header: the value of the pointer <c>ig_shadow_table</c> exported by libinteropguard.so.</summary>
    public static ulong FindTable(DataTarget target, TargetMemory memory, int pid)
    {
        foreach (ModuleInfo module in target.EnumerateModules())
        {
            string name = Path.GetFileName(module.FileName ?? "");
            if (!name.StartsWith("libinteropguard", StringComparison.Ordinal))
            {
                continue;
            }

            ulong symbol = module.GetExportSymbolAddress("ig_shadow_table");
            if (symbol == 0)
            {
                throw new ValidatorException(ValidatorErrorKind.TableNotFound,
                    $"{module.FileName} in process {pid} exports no ig_shadow_table: it is not an InteropGuard library of this version; pass --table 0x<address of ig_table()>.");
            }

            if (!memory.TryReadUInt64(symbol, out ulong header) || header == 0)
            {
                throw new ValidatorException(ValidatorErrorKind.TableNotFound,
                    $"libinteropguard.so is loaded in process {pid} but its table is not initialised yet (ig_shadow_table is null); sweep again after the program's first guarded call.");
            }

            return header;
        }

        throw new ValidatorException(ValidatorErrorKind.TableNotFound,
            $"process {pid} has not loaded libinteropguard.so, so there is no shadow table to check: run it with the InteropGuard package and INTEROPGUARD=1 or 2, or pass --table.");
    }

    internal static string AttachRefusedMessage(int pid, Exception e)
    {
        string scope = "";
        try
        {
            string value = File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim();
            scope = $" (/proc/sys/kernel/yama/ptrace_scope is {value})";
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException)
        {
            // no Yama on this kernel
        }

        return $"cannot attach to process {pid}: ptrace refused ({e.Message}){scope}. Fix: the target must allow this process to trace it " +
               "(mode 2 does it with prctl(PR_SET_PTRACER, validator pid)); otherwise set /proc/sys/kernel/yama/ptrace_scope to 0 or run the validator with CAP_SYS_PTRACE. " +
               "Another debugger or validator attached to the same process also blocks the attach.";
    }
}
