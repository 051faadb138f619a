// GateHost.cs - what both gates (the release gate and the Debug-mode gate, which compiles this file too) say about where
// they ran: the repository, its commit, the machine and its load; read at the start and end of a gate run.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace InteropGuard.BenchGate;

/// <summary>The run's surroundings for the results files of both gates; every reader answers "unknown" rather than
/// failing the run, except <see cref="RepositoryRoot"/>, without which there is nothing to measure.</summary>
internal static class GateHost
{
    /// <summary>The directory holding InteropGuard.sln, above the assembly (bin/Release/net10.0) or the working directory.</summary>
    /// <exception cref="GateSetupException">Neither is inside the repository.</exception>
    public static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "InteropGuard.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new GateSetupException("cannot find the repository (InteropGuard.sln) above the gate's assembly or the working directory");
    }

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>), or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>CPU model, logical processors, OS and .NET version.</summary>
    public static string Machine()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return $"{cpu}, {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The short commit of <paramref name="root"/>'s HEAD, or "unknown" (no git, not a checkout).</summary>
    public static string Commit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (git is null)
            {
                return "unknown";
            }

            string commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
