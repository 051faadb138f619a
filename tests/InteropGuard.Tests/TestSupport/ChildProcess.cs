// ChildProcess.cs - runs `dotnet <dll> <args>` with extra environment variables and a timeout, capturing
// stdout, stderr and the exit code; used by every test that needs a fresh process (options, modes, halting).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace InteropGuard.Tests.TestSupport;

/// <summary>What a finished child process left behind.</summary>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr, int ProcessId)
{
    /// <summary>Everything the child printed, for assertion messages.</summary>
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

internal static class ChildProcess
{
    /// <summary>Generous: a child normally takes ~100 ms; the limit only stops a hung child from hanging the suite.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Variables every child starts without, so the test runner's own settings never leak in.</summary>
    private static readonly string[] Cleared = ["INTEROPGUARD", "INTEROPGUARD_OPTIONS", "INTEROPGUARD_NATIVE_LIB"];

    /// <summary>Runs <c>dotnet dll args</c>; <paramref name="environment"/> entries with a null value are removed.</summary>
    internal static ChildResult RunDotnet(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        foreach (string name in Cleared) info.Environment.Remove(name);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0"; // halting children must not write core dumps
        if (environment != null)
        {
            foreach (var (name, value) in environment)
            {
                if (value == null) info.Environment.Remove(name);
                else info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"child {dll} {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s;\nstdout so far: {stdout.Result}\nstderr so far: {stderr.Result}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result, process.Id);
    }

    /// <summary>The dotnet host running this test process (falls back to `dotnet` on PATH).</summary>
    private static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        if (host != null && Path.GetFileNameWithoutExtension(host) == "dotnet") return host;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root != null && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
