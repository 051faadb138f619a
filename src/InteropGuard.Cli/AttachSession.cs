// AttachSession.cs: one `interopguard attach` run: open the target, sweep once or every interval until it exits or Ctrl+C, report, choose the exit code.
using System;
using System.Globalization;
using System.IO;
using System.Threading;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator;

namespace InteropGuard.Cli;

/// <summary>What <c>attach</c> was asked to do.</summary>
/// <param name="Pid">The target process.</param>
/// <param name="Watch">Sweep every <paramref name="IntervalMs"/> until the target exits or the token is cancelled.</param>
/// <param name="IntervalMs">Milliseconds between sweeps with <paramref name="Watch"/>.</param>
/// <param name="Verbose">Log each sweep's pause and counts on stderr.</param>
/// <param name="Settings">What a sweep checks (detect_ options, pin_leak_ms).</param>
/// <param name="Reporter">Where findings go.</param>
internal sealed record AttachRequest(int Pid, bool Watch, int IntervalMs, bool Verbose, ValidatorSettings Settings, FindingReporter Reporter);

/// <summary>Runs an attach. Nothing stays attached between sweeps (<see cref="Sweeper"/>): Ctrl+C between or during a
/// sweep leaves the target running (a sweep always resumes it before returning).</summary>
internal static class AttachSession
{
    /// <summary>Exit code: no violations.</summary>
    public const int Clean = 0;

    /// <summary>Exit code: at least one violation was reported.</summary>
    public const int Found = 1;

    /// <summary>Exit code: the target could not be swept (gone, not .NET, no InteropGuard runtime, attach refused, bad options).</summary>
    public const int Error = 2;

    /// <summary>Sweeps and reports; returns <see cref="Clean"/>, <see cref="Found"/> or <see cref="Error"/>. With
    /// --watch the target exiting ends the watch normally; any other failure is an error, also after findings (they were printed).</summary>
    public static int Run(AttachRequest request, TextWriter log, CancellationToken cancel)
    {
        Sweeper sweeper;
        try
        {
            sweeper = Sweeper.Open(request.Pid, 0, request.Settings);
        }
        catch (ValidatorException e)
        {
            log.WriteLine("interopguard: " + TargetDiagnosis.Explain(request.Pid, e));
            return Error;
        }

        if (request.Verbose)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"interopguard: attached to process {request.Pid} (table 0x{sweeper.TableAddress:x}) in {sweeper.WarmupMs:F1} ms"));
        }

        int sweeps = 0;
        double longestPause = 0;
        bool failed = false;
        bool exited = false;
        using (sweeper)
        {
            while (!cancel.IsCancellationRequested)
            {
                SweepResult result;
                try
                {
                    result = sweeper.Sweep(SweepReason.Demand, sweeps + 1);
                }
                catch (ValidatorException) when (request.Watch && sweeps > 0 && !IsAlive(request.Pid))
                {
                    // the target exited between sweeps: the normal end of a watch
                    exited = true;
                    break;
                }
                catch (ValidatorException e)
                {
                    log.WriteLine("interopguard: " + TargetDiagnosis.Explain(request.Pid, e));
                    failed = true;
                    break;
                }

                sweeps++;
                longestPause = Math.Max(longestPause, result.PauseMs);
                foreach (SweepWarning warning in result.Warnings)
                {
                    log.WriteLine("interopguard: warning: " + SweepWarningWording.Text(warning));
                }

                foreach (Finding f in result.Findings)
                {
                    request.Reporter.Report(f, Environment.ProcessId, sweeps, request.Pid);
                }

                if (request.Verbose)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"interopguard: sweep {sweeps}: pause {result.PauseMs:F2} ms, {result.Findings.Count} new findings, {result.Blocks} blocks, {result.Bytes} bytes, {result.Pins} pins, {result.Threads} threads, {result.Retries} retries"));
                }

                if (!request.Watch)
                {
                    break;
                }

                if (cancel.WaitHandle.WaitOne(request.IntervalMs))
                {
                    break;
                }

                if (!IsAlive(request.Pid))
                {
                    exited = true;
                    break;
                }
            }
        }

        request.Reporter.Finish();
        string end = !request.Watch ? "" : exited ? "; the process exited" : failed ? "" : "; stopped";
        int repeats = request.Reporter.Repeats;
        string repeated = repeats == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {repeats} {(repeats == 1 ? "repeat" : "repeats")} of a printed site not shown");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"interopguard: {request.Reporter.Tally} in process {request.Pid} ({sweeps} {(sweeps == 1 ? "sweep" : "sweeps")}, longest pause {longestPause:F1} ms{repeated}{end})"));
        return failed ? Error : request.Reporter.Tally.Total > 0 ? Found : Clean;
    }

    /// <summary>False once the process is gone or a zombie (exited, not yet reaped by its parent).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || (stat[close + 2] != 'Z' && stat[close + 2] != 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
