// SideProcess.cs - the gate's handle on one side process: starts the gate assembly with the side's environment, waits
// for it to be ready, sends it iterations to run and reads their times (DebugGateChild's protocol).
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>One running side process.</summary>
internal sealed class SideProcess : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private SideProcess(DebugSide side, Process process)
    {
        Side = side;
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Pauses.Read(e.Data);
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The validator's sweep pauses (mode 2; none for the other sides).</summary>
    public SweepPauses Pauses { get; } = new();

    /// <summary>The side this process runs.</summary>
    public DebugSide Side { get; }

    /// <summary>What the process's self-test established.</summary>
    public string Proof { get; private set; } = "";

    /// <summary>Starts the side process and waits for its <c>ready</c> line; a process that fails its start is ended.</summary>
    public static SideProcess Start(DebugSide side, DebugGateSettings settings, string validator, AsanRuntime? asan)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        string assembly = typeof(SideProcess).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        var start = new ProcessStartInfo(host, (viaDotnet ? $"\"{assembly}\" " : "") + settings.ChildArguments(side))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in side.Environment(validator, asan))
        {
            start.Environment[name] = value;
        }

        Process process = Process.Start(start) ?? throw new GateSetupException($"could not start the {side.Key()} side ({host})");
        var sideProcess = new SideProcess(side, process);
        try
        {
            string ready = sideProcess.ReadLine(s_startTimeout, "start");
            sideProcess.Proof = ready.StartsWith("ready ", StringComparison.Ordinal)
                ? ready["ready ".Length..]
                : throw sideProcess.Failure($"started with '{ready}' instead of 'ready'");
            return sideProcess;
        }
        catch
        {
            sideProcess.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="invocations"/> invocations of pair <paramref name="pair"/> in the process; returns
    /// its wall and process CPU time in ns.</summary>
    public (long WallNs, long CpuNs) Run(int pair, int invocations)
    {
        _process.StandardInput.WriteLine(FormattableString.Invariant($"run {pair} {invocations}"));
        _process.StandardInput.Flush();
        string answer = ReadLine(s_commandTimeout, "run");
        string[] words = answer.Split(' ');
        if (words.Length != 3 || words[0] != "ok")
        {
            throw Failure($"answered '{answer}' to run");
        }

        return (long.Parse(words[1], CultureInfo.InvariantCulture), long.Parse(words[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The CPU time the process's validator has used so far, ns (mode 2; 0 for the other sides).</summary>
    public long ValidatorCpu()
    {
        _process.StandardInput.WriteLine("validator-cpu");
        _process.StandardInput.Flush();
        string answer = ReadLine(s_commandTimeout, "validator-cpu");
        string[] words = answer.Split(' ');
        return words.Length == 3 && words[0] == "ok" ? long.Parse(words[1], CultureInfo.InvariantCulture) : throw Failure($"answered '{answer}' to validator-cpu");
    }

    /// <summary>Ends the process (<c>quit</c>) and checks that it ended well.</summary>
    public void Quit()
    {
        _process.StandardInput.WriteLine("quit");
        _process.StandardInput.Flush();
        string answer = ReadLine(s_commandTimeout, "quit");
        if (answer != "bye" || !_process.WaitForExit(s_commandTimeout) || _process.ExitCode != 0)
        {
            throw Failure($"ended with '{answer}'" + (_process.HasExited ? $", exit code {_process.ExitCode}" : ", still running"));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private string ReadLine(TimeSpan timeout, string what)
    {
        Task<string?> read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            throw Failure($"gave no answer to {what} within {timeout.TotalSeconds:F0} s");
        }

        string? line = read.Result;
        if (line is null)
        {
            _process.WaitForExit();
            throw Failure($"exited (code {_process.ExitCode}) during {what}");
        }

        return line.StartsWith("error ", StringComparison.Ordinal) ? throw Failure(line["error ".Length..]) : line;
    }

    private GateSetupException Failure(string what)
    {
        string errors;
        lock (_errors)
        {
            errors = _errors.ToString().TrimEnd();
        }

        return new GateSetupException($"the {Side.Key()} side process {what}" + (errors.Length > 0 ? $"; its stderr:\n{errors}" : ""));
    }
}
