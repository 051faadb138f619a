// ValidatorProcess.cs: starts the validator child (serve --pid --table, INTEROPGUARD=0, stdin/stdout piped, stderr shared) and ends it; used at mode-2 start-up and exit.
using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using InteropGuard.Reporting;

namespace InteropGuard.Validation;

/// <summary>The validator child process. Its stdin and stdout are the protocol channel; its stderr is the target's.</summary>
internal sealed class ValidatorProcess
{
    private readonly Process _process;

    private ValidatorProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
    }

    /// <summary>The child's pid.</summary>
    public int Pid { get; }

    /// <summary>The child's stdin (raw bytes).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The child's stdout (raw bytes).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts <c>command serve --pid targetPid --table 0x..</c> with the target's environment and
    /// <c>INTEROPGUARD=0</c> (and a small gen0 budget, no W^X, unless the environment sets them). Throws <see cref="Win32Exception"/> (or <see cref="InvalidOperationException"/>) when the
    /// program cannot be started.</summary>
    public static ValidatorProcess Start(ValidatorCommand command, int targetPid, nint table)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false, // the validator's log lines go to the target's stderr
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (string arg in Arguments(command, targetPid, table))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["INTEROPGUARD"] = "0"; // the validator never guards itself
        info.Environment.Remove("DOTNET_STARTUP_HOOKS"); // nor loads the hook `interopguard run` gave the target
        // Its footprint: a 2 MiB gen0 budget (the default follows the cache size; the validator's garbage is per sweep) and
        // no double-mapped code pages (W^X). Together ~16 MB less RSS on the 500 MiB-heap benchmark target (README).
        // A value the user's environment already sets for the process wins.
        SetUnlessSet(info, "DOTNET_GCgen0size", "0x200000");
        SetUnlessSet(info, "DOTNET_EnableWriteXorExecute", "0");
        Process process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process");
        return new ValidatorProcess(process);
    }

    private static void SetUnlessSet(ProcessStartInfo info, string name, string value)
    {
        if (string.IsNullOrEmpty(info.Environment.TryGetValue(name, out string? set) ? set : null))
        {
            info.Environment[name] = value;
        }
    }

    /// <summary>The arguments after the program: leading ones, then <c>serve --pid N --table 0x..</c>.</summary>
    public static string[] Arguments(ValidatorCommand command, int targetPid, nint table)
    {
        var args = new string[command.LeadingArguments.Count + 5];
        int i = 0;
        foreach (string arg in command.LeadingArguments)
        {
            args[i++] = arg;
        }

        args[i++] = "serve";
        args[i++] = "--pid";
        args[i++] = targetPid.ToString(CultureInfo.InvariantCulture);
        args[i++] = "--table";
        args[i] = ReportFormatter.Hex(table);
        return args;
    }

    /// <summary>Why the output ended: waits up to <paramref name="milliseconds"/> for the exit code.</summary>
    public string DescribeEnd(int milliseconds)
    {
        try
        {
            if (_process.WaitForExit(milliseconds))
            {
                return Describe(_process.ExitCode);
            }
        }
        catch (SystemException)
        {
            // Fall through: no exit code.
        }

        return "its output ended";
    }

    /// <summary>"it exited with code N", or for a child ended by a signal (exit code 128 + N, as .NET reports it)
    /// "it was killed by signal N (SIGKILL)".</summary>
    internal static string Describe(int exitCode)
    {
        if (exitCode is > 128 and <= 128 + 64)
        {
            int signal = exitCode - 128;
            string name = signal switch
            {
                6 => " (SIGABRT)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                15 => " (SIGTERM)",
                _ => "",
            };
            return "it was killed by signal " + signal.ToString(CultureInfo.InvariantCulture) + name;
        }

        return "it exited with code " + exitCode.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for the child to exit.</summary>
    public bool WaitForExit(int milliseconds)
    {
        try
        {
            return _process.WaitForExit(milliseconds);
        }
        catch (SystemException)
        {
            return true;
        }
    }

    /// <summary>Ends the child and its children now; never throws.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (SystemException)
        {
            // Gone already, or not ours to kill.
        }
    }
}
