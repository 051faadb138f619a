// ServeProtocol.cs: the `serve` command over its wire protocol: hello/ready, demand, timer and exit sweeps, end of input, fatal errors, and a validator killed mid-sweep.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Serve;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ServeProtocol
{
    private static string Hello(TargetChild target) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"op\":\"hello\",\"pid\":{target.Pid},\"table\":\"0x{target.Table:x}\"}}");

    [Test]
    public void Serve_AnswersHello_ThenDemandSweepsWithFindingsOnce_AndExitsAtEndOfInput()
    {
        using TargetChild target = TargetChild.Start("poh", bug: true);
        using ServeChild serve = ServeChild.Start(target.Pid, target.Table, "validator_interval_ms=0");
        serve.Send(Hello(target));
        JsonElement ready = serve.Read();
        Assert.That(ready.GetProperty("ev").GetString(), Is.EqualTo("ready"), serve.Stderr);
        Assert.That(ready.GetProperty("pid").GetInt32(), Is.EqualTo(serve.Process.Id));
        Assert.That(ready.GetProperty("warmupMs").GetDouble(), Is.GreaterThan(0));

        serve.Send("{\"op\":\"sweep\",\"id\":7,\"reason\":\"demand\"}");
        var (swept, before) = serve.ReadUntil("swept");
        JsonElement finding = before.Single(l => l.GetProperty("ev").GetString() == "finding");
        Assert.That(finding.GetProperty("kind").GetString(), Is.EqualTo("unpinned-managed-pointer"));
        Assert.That(finding.GetProperty("sweep").GetInt64(), Is.EqualTo(7));
        Assert.That(finding.GetProperty("n").GetInt64(), Is.EqualTo(1), "the validator's first sweep, whatever id the target gave it");
        Assert.That(finding.GetProperty("shape").GetString(), Is.EqualTo("unpinned-word"));
        Assert.That(finding.GetProperty("objectType").GetString(), Is.EqualTo("System.Byte[]"));
        Assert.That(swept.GetProperty("id").GetInt64(), Is.EqualTo(7));
        Assert.That(swept.GetProperty("n").GetInt64(), Is.EqualTo(1));
        Assert.That(swept.GetProperty("reason").GetString(), Is.EqualTo("demand"));
        Assert.That(swept.GetProperty("findings").GetInt32(), Is.EqualTo(1));
        Assert.That(swept.GetProperty("pauseMs").GetDouble(), Is.GreaterThan(0));

        serve.Send("{\"op\":\"sweep\",\"id\":8,\"reason\":\"demand\"}");
        var (again, _) = serve.ReadUntil("swept");
        Assert.That(again.GetProperty("findings").GetInt32(), Is.EqualTo(0), "a finding is reported once per validator lifetime");
        Assert.That(again.GetProperty("n").GetInt64(), Is.EqualTo(2));
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True);

        serve.CloseInput();
        Assert.That(serve.Process.WaitForExit(10_000), Is.True, "end of input ends the validator");
        Assert.That(serve.Process.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void Serve_SweepsOnItsTimer()
    {
        using TargetChild target = TargetChild.Start("redzone", bug: true);
        using ServeChild serve = ServeChild.Start(target.Pid, target.Table, "validator_interval_ms=50:verbosity=1");
        serve.Send(Hello(target));
        serve.ReadUntil("ready");
        var (swept, before) = serve.ReadUntil("swept");
        Assert.That(swept.GetProperty("id").GetInt64(), Is.EqualTo(0));
        Assert.That(swept.GetProperty("reason").GetString(), Is.EqualTo("timer"));
        Assert.That(before.Select(l => l.GetProperty("kind").GetString()), Has.Member("native-buffer-overflow"));
        Assert.That(swept.GetProperty("n").GetInt64(), Is.EqualTo(1));
        var (second, _) = serve.ReadUntil("swept"); // a second timer sweep
        Assert.That(second.GetProperty("id").GetInt64(), Is.EqualTo(0), "timer sweeps answer no request");
        Assert.That(second.GetProperty("n").GetInt64(), Is.EqualTo(2), "but are numbered like every sweep, as attach numbers its own");
        // A sweep's log line follows its swept line on another pipe: wait (bounded) until stderr has caught up.
        SpinWait.SpinUntil(() => serve.Stderr.Contains("sweep 2 (timer): pause", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.That(serve.Stderr, Does.Contain("InteropGuard validator: sweep 1 (timer): pause"));
        Assert.That(serve.Stderr, Does.Contain("InteropGuard validator: sweep 2 (timer): pause"));
        Assert.That(serve.Stderr, Does.Not.Contain("sweep 0"));
    }

    [Test]
    public void Serve_ExitSweep_ReportsEveryLivePin()
    {
        const string options = "validator_interval_ms=0";
        using TargetChild target = TargetChild.Start("leak", bug: true, options);
        using ServeChild serve = ServeChild.Start(target.Pid, 0, options); // no --table: found through the export
        serve.Send(Hello(target));
        serve.ReadUntil("ready");
        serve.Send("{\"op\":\"sweep\",\"id\":1,\"reason\":\"demand\"}");
        Assert.That(serve.ReadUntil("swept").Line.GetProperty("findings").GetInt32(), Is.EqualTo(0));
        serve.Send("{\"op\":\"sweep\",\"id\":2,\"reason\":\"exit\"}");
        var (swept, before) = serve.ReadUntil("swept");
        Assert.That(swept.GetProperty("reason").GetString(), Is.EqualTo("exit"));
        Assert.That(before.Single().GetProperty("kind").GetString(), Is.EqualTo("leaked-pin"));
    }

    [Test]
    public void Serve_BadTable_IsAFatalErrorThatSaysTheFix()
    {
        using TargetChild target = TargetChild.Start("idle", bug: false);
        using ServeChild serve = ServeChild.Start(target.Pid, 0x1000);
        serve.Send(Hello(target));
        JsonElement error = serve.Read();
        Assert.That(error.GetProperty("ev").GetString(), Is.EqualTo("error"));
        Assert.That(error.GetProperty("fatal").GetBoolean(), Is.True);
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("--table"));
        Assert.That(serve.Process.WaitForExit(10_000), Is.True);
        Assert.That(serve.Process.ExitCode, Is.EqualTo(2));
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public void Serve_IgnoresGarbageLines()
    {
        using TargetChild target = TargetChild.Start("idle", bug: false);
        using ServeChild serve = ServeChild.Start(target.Pid, target.Table, "validator_interval_ms=0");
        serve.Send("not json");
        serve.Send("{\"op\":42}");
        serve.Send("{\"op\":\"frobnicate\"}");
        serve.Send(Hello(target));
        Assert.That(serve.Read().GetProperty("ev").GetString(), Is.EqualTo("ready"));
    }

    [Test]
    public void ValidatorKilledMidSweep_LeavesTheTargetRunning()
    {
        using TargetChild target = TargetChild.Start("big", bug: true);
        using ServeChild serve = ServeChild.Start(target.Pid, target.Table, "validator_interval_ms=0");
        serve.Send(Hello(target));
        serve.ReadUntil("ready");

        bool sawStopped = false;
        for (int attempt = 0; attempt < 20 && !sawStopped; attempt++)
        {
            serve.Send(string.Create(CultureInfo.InvariantCulture, $"{{\"op\":\"sweep\",\"id\":{attempt + 1},\"reason\":\"demand\"}}"));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline && !(sawStopped = IsTraceStopped(target.Pid)))
            {
                Thread.SpinWait(1000);
            }

            if (!sawStopped)
            {
                serve.ReadUntil("swept");
            }
        }

        Assert.That(sawStopped, Is.True, "caught the target stopped by a sweep");
        serve.Process.Kill(); // SIGKILL while the target is stopped
        serve.Process.WaitForExit(10_000);
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "the kernel detached the dead tracer and the target runs on");
    }

    // The window the test above can miss: the validator dies after ptrace queued its SIGSTOP but before it consumed it, so
    // the stop is delivered after the detach and the target group-stops with nobody to resume it. A SIGSTOP sent here
    // stands in for that stop; the sentinel the validator started must resume the target when the validator dies.
    [Test]
    public void ValidatorKilledWithAStopLeftBehind_TheSentinelResumesTheTarget()
    {
        using TargetChild target = TargetChild.Start("idle", bug: false);
        using ServeChild serve = ServeChild.Start(target.Pid, target.Table, "validator_interval_ms=0");
        serve.Send(Hello(target));
        serve.ReadUntil("ready");

        using (Process stop = Process.Start("kill", ["-STOP", target.Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            stop.WaitForExit();
        }

        Assert.That(target.Responds(TimeSpan.FromMilliseconds(500)), Is.False, "stopped, as a dead tracer can leave it");
        serve.Process.Kill();
        serve.Process.WaitForExit(10_000);
        Assert.That(target.Responds(TimeSpan.FromSeconds(10)), Is.True, "the sentinel sent SIGCONT when the validator died");
    }

    private static bool IsTraceStopped(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal))
                {
                    return line.Contains("tracing stop", StringComparison.Ordinal);
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
