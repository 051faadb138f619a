// LoadTarget.cs: starts the `load` scenario of the validator targets (native blocks, pins, heap, threads) and opens a Sweeper on it.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace InteropGuard.ValidatorBench;

/// <summary>One configuration of the swept process.</summary>
public sealed record LoadShape(int Blocks, int NativeMb, int Pins, int HeapMb, int Threads)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Blocks} blocks/{NativeMb} MiB native, {Pins} pins, {HeapMb} MiB heap, {Threads} threads";
}

/// <summary>A running target with its sweeper. Started through /bin/sh so it is not a Process child of this process
/// (whose SIGCHLD reaping would race ClrMD's ptrace waits).</summary>
internal sealed class LoadTarget : IDisposable
{
    private readonly Process _shell;

    private LoadTarget(Process shell, int pid, ulong table)
    {
        _shell = shell;
        Pid = pid;
        Table = table;
    }

    public int Pid { get; }

    public ulong Table { get; }

    public static LoadTarget Start(LoadShape shape) =>
        Start("load", shape.Blocks, shape.NativeMb, shape.Pins, shape.HeapMb, shape.Threads);

    /// <summary>Starts a scenario of the validator targets in mode ok with integer arguments.</summary>
    public static LoadTarget Start(string scenario, params int[] arguments)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "targets");
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("dotnet \"$@\"; exit $?"); // not exec: dotnet must not be this process's child
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(Path.Combine(dir, "InteropGuard.ValidatorTargets.dll"));
        info.ArgumentList.Add(scenario);
        info.ArgumentList.Add("ok");
        foreach (int value in arguments)
        {
            info.ArgumentList.Add(value.ToString(CultureInfo.InvariantCulture));
        }

        info.Environment["INTEROPGUARD"] = "1";
        Process shell = Process.Start(info) ?? throw new InvalidOperationException("cannot start the target");
        string? line;
        while ((line = shell.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
        {
        }

        if (line is null)
        {
            throw new InvalidOperationException("the target exited before READY");
        }

        int pidAt = line.IndexOf("pid=", StringComparison.Ordinal) + 4;
        int pid = int.Parse(line.AsSpan(pidAt, line.IndexOf(' ', pidAt) - pidAt), CultureInfo.InvariantCulture);
        ulong table = ulong.Parse(line.AsSpan(line.IndexOf("table=0x", StringComparison.Ordinal) + 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new LoadTarget(shell, pid, table);
    }

    public void Dispose()
    {
        try
        {
            _shell.StandardInput.WriteLine("quit");
            _shell.StandardInput.Flush();
            if (!_shell.WaitForExit(10_000))
            {
                Process.GetProcessById(Pid).Kill();
                _shell.Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            // gone already
        }

        _shell.Dispose();
    }
}
