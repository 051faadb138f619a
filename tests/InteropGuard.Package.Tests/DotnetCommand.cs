// DotnetCommand.cs: runs one command (dotnet new, add package, test, tool install, an installed tool) for the package tests, with a private package cache and a clean InteropGuard environment.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace InteropGuard.Package.Tests;

/// <summary>A child process whose output (stdout and stderr, interleaved) and exit code a test reads.</summary>
internal static class DotnetCommand
{
    /// <summary>Runs <paramref name="file"/> in <paramref name="directory"/>. NuGet restores into
    /// <paramref name="packages"/> (a freshly packed version must not be served from ~/.nuget/packages);
    /// INTEROPGUARD and INTEROPGUARD_OPTIONS are removed, then <paramref name="environment"/> applied (null removes).
    /// <paramref name="whileRunning"/> gets the pid once the process started (fault injection). Exit code -1 after
    /// <paramref name="timeout"/> (default 5 minutes; the process tree is killed).</summary>
    public static (int ExitCode, string Output) Run(string directory, string packages, string file, IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null, Action<int>? whileRunning = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NUGET_PACKAGES"] = packages;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("INTEROPGUARD");
        info.Environment.Remove("INTEROPGUARD_OPTIONS");
        if (environment is not null)
        {
            foreach (KeyValuePair<string, string?> pair in environment)
            {
                if (pair.Value is null)
                {
                    info.Environment.Remove(pair.Key);
                }
                else
                {
                    info.Environment[pair.Key] = pair.Value;
                }
            }
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        whileRunning?.Invoke(process.Id);
        TimeSpan limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, output + $"\n(timed out after {limit.TotalSeconds} s)");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
