// ValidatorSession.cs: the process's one validator in mode 2: started at runtime start-up, swept once before Main, asked by Guard.Validate, swept once more and closed at ProcessExit.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Protocol;
using InteropGuard.Reporting;

namespace InteropGuard.Validation;

/// <summary>Owns the validator child of this process. Starting it is a fork and exec on the starting thread (so the
/// start-up line can name its pid); its warm-up runs in the child. Every wait is bounded by <c>validator_timeout_ms</c>;
/// every failure is one warning and leaves the call-boundary checks running.</summary>
internal static class ValidatorSession
{
    /// <summary>How long the exit path waits for the child to leave after its stdin closed, before killing it.</summary>
    private const int ExitGraceMs = 2000;

    /// <summary>How long the reader waits for an exit code when the child's output ends.</summary>
    private const int ExitCodeWaitMs = 1000;

    private static readonly ManualResetEventSlim s_started = new(false);
    private static volatile ValidatorChannel? s_channel;
    private static ValidatorProcess? s_process;
    private static int s_begun;
    private static int s_notRunningSaid;
    private static int s_exited;
    private static int s_readyWaitFailed;

    /// <summary>True once <see cref="Begin"/> ran (mode 2 with the native library loaded).</summary>
    public static bool IsActive => Volatile.Read(ref s_begun) != 0;

    /// <summary>The channel when the validator runs; null before it started, when it could not start, or in mode 0/1.</summary>
    internal static ValidatorChannel? Channel => s_channel;

    /// <summary>The validator child's pid once it was started; null before, in mode 0/1, or when it could not start.</summary>
    public static int? Pid => s_process?.Pid;

    /// <summary>The channel once the validator is ready (waits up to <paramref name="timeoutMs"/> for its start and its
    /// <c>ready</c>, once per process: after a wait that timed out later calls do not wait); null when it is not
    /// running, could not start, or is not ready in time.</summary>
    internal static ValidatorChannel? ReadyChannel(int timeoutMs)
    {
        if (s_channel is { IsReady: true, IsRunning: true } ready)
        {
            return ready;
        }

        int wait = Volatile.Read(ref s_readyWaitFailed) != 0 ? 0 : timeoutMs;
        if (IsActive && s_started.Wait(wait) && s_channel is { } channel && channel.WaitReady(wait))
        {
            return channel;
        }

        Volatile.Write(ref s_readyWaitFailed, 1); // never stall every call on a validator that does not come up
        return null;
    }

    /// <summary>Starts the validator child and hooks the exit sweep. Called once by <see cref="GuardRuntime"/> in mode 2;
    /// returns once the child runs (its warm-up and attach go on in the child).</summary>
    public static void Begin(nint table, string? validatorPath)
    {
        if (Interlocked.Exchange(ref s_begun, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => FinishAtExit();
        Start(table, validatorPath);
    }

    /// <summary>The start-up sweep (reason <c>start</c>): waits, bounded by <c>validator_timeout_ms</c>, until the
    /// validator has attached and swept once, so native memory is checked before <c>Main</c> runs. Its findings are
    /// reported like any sweep's. Nothing happens when the validator is not running (its start said why).</summary>
    public static void SweepAtStart()
    {
        if (s_channel is { } channel)
        {
            channel.Sweep(ValidatorRequest.Start, null, GuardRuntime.Options.ValidatorTimeoutMs);
        }
    }

    /// <summary>Guard.Validate: one demand sweep, its reported findings; empty (and one warning per process) when the
    /// validator is not running, empty when it stops or times out during the sweep (that prints its own warning).</summary>
    public static IReadOnlyList<Violation> Validate(SourceSite site)
    {
        if (ValidatorChannel.OnReaderThread)
        {
            Reporter.Warn(ValidatorStatusWarnings.ValidateOnReaderThread);
            return [];
        }

        int timeout = GuardRuntime.Options.ValidatorTimeoutMs;
        ValidatorChannel? channel = s_started.Wait(timeout) ? s_channel : null;
        ValidatorSweep? sweep = channel?.Sweep(ValidatorRequest.Demand, site, timeout);
        if (sweep is null)
        {
            if (Interlocked.Exchange(ref s_notRunningSaid, 1) == 0)
            {
                Reporter.Warn(ValidatorStatusWarnings.ValidateWithoutValidator);
            }

            return [];
        }

        return sweep.Completed ? sweep.Findings : [];
    }

    private static void Start(nint table, string? validatorPath)
    {
        try
        {
            var looked = new List<string>();
            ValidatorCommand? command = ValidatorLocator.Find(validatorPath, looked);
            if (command is null)
            {
                Reporter.Warn(ValidatorStatusWarnings.NotFound(looked));
                return;
            }

            int self = Environment.ProcessId;
            ValidatorProcess process;
            try
            {
                process = ValidatorProcess.Start(command, self, table);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
            {
                Reporter.Warn(ValidatorStatusWarnings.CouldNotStart(command.Shown, e.Message));
                return;
            }

            if (GuardRuntime.Options.Verbosity >= 2)
            {
                Reporter.Warn(ValidatorStatusWarnings.Started(process.Pid, command.Shown, ValidatorProcess.Arguments(command, self, table)[command.LeadingArguments.Count..]));
            }

            int error = IgNative.ig_set_ptracer(process.Pid);
            if (error != 0)
            {
                Reporter.Warn(ValidatorStatusWarnings.PtracerRefused(process.Pid, error));
            }

            var channel = new ValidatorChannel(process.Pid, process.Input, process.Output, () => process.DescribeEnd(ExitCodeWaitMs), process.Kill);
            s_process = process;
            s_channel = channel;
            channel.Start();
            channel.SendHello(self, table);
        }
        catch (Exception e)
        {
            Reporter.Warn(ValidatorStatusWarnings.StartFailed(e));
        }
        finally
        {
            s_started.Set();
        }
    }

    /// <summary>The exit sweep (reason exit, bounded wait), then end of file on the child's stdin, a short wait for it
    /// to leave, and a kill if it does not. Runs once, from whichever <c>ProcessExit</c> handler comes first (its own,
    /// or <see cref="ExitStatus"/>'s, which needs the exit sweep's findings counted); does nothing outside mode 2.</summary>
    internal static void FinishAtExit()
    {
        if (!IsActive || Interlocked.Exchange(ref s_exited, 1) != 0)
        {
            return;
        }

        try
        {
            PinnedHandles.ReleaseFreedElsewhere(); // the exit sweep reports every pin still live as a leak
            int timeout = GuardRuntime.Options.ValidatorTimeoutMs;
            if (!s_started.Wait(timeout) || s_channel is not { } channel)
            {
                return;
            }

            channel.Sweep(ValidatorRequest.Exit, null, timeout);
            channel.Close();
            if (s_process is { } process && !process.WaitForExit(ExitGraceMs))
            {
                process.Kill();
            }
        }
        catch (Exception e)
        {
            Reporter.Warn(ValidatorStatusWarnings.ExitSweepFailed(e));
        }
    }
}
