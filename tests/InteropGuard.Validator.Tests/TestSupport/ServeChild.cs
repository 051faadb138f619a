// ServeChild.cs: runs `dotnet InteropGuard.Cli.dll serve` as a child process and speaks the validator protocol with it.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.TestSupport;

/// <summary>A validator child: send request lines, read event lines (parsed).</summary>
internal sealed class ServeChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = new();

    private ServeChild(Process process)
    {
        _process = process;
    }

    public Process Process => _process;

    public static ServeChild Start(int pid, ulong table, string options = "")
    {
        string cli = Path.Combine(TestContext.CurrentContext.TestDirectory, "cli", "InteropGuard.Cli.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--pid");
        info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        if (table != 0)
        {
            info.ArgumentList.Add("--table");
            info.ArgumentList.Add("0x" + table.ToString("x", CultureInfo.InvariantCulture));
        }

        info.Environment["INTEROPGUARD"] = "0";
        info.Environment["INTEROPGUARD_OPTIONS"] = options;
        var child = new ServeChild(Process.Start(info) ?? throw new InvalidOperationException("could not start the validator"));
        child._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Add(e.Data);
                }
            }
        };
        child._process.BeginErrorReadLine();
        return child;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join("\n", _stderr);
            }
        }
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>The next event line, parsed; fails the test after <paramref name="seconds"/>.</summary>
    public JsonElement Read(int seconds = 30)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(TimeSpan.FromSeconds(seconds)) || read.Result is null)
        {
            Assert.Fail($"no line from the validator within {seconds} s (exited: {_process.HasExited}); stderr:\n{Stderr}");
        }

        using JsonDocument doc = JsonDocument.Parse(read.Result!);
        return doc.RootElement.Clone();
    }

    /// <summary>Reads lines until one with ev = <paramref name="ev"/>; returns it and the lines before it.</summary>
    public (JsonElement Line, List<JsonElement> Before) ReadUntil(string ev, int seconds = 30)
    {
        var before = new List<JsonElement>();
        while (true)
        {
            JsonElement line = Read(seconds);
            if (line.GetProperty("ev").GetString() == ev)
            {
                return (line, before);
            }

            before.Add(line);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
