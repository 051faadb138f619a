// ServeSession.cs: one validator lifetime under `serve`: reads requests on stdin, sweeps on demand and on a timer, writes JSON lines on stdout.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using InteropGuard.Findings;
using InteropGuard.Protocol;
using InteropGuard.Validator;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Target;

namespace InteropGuard.Cli;

/// <summary>The protocol loop. Sweeps never overlap (one thread runs them); end of input ends the session at once.</summary>
internal sealed class ServeSession
{
    private readonly int _pid;
    private readonly ulong _table;
    private readonly TextReader _in;
    private readonly TextWriter _out;
    private readonly TextWriter _log;
    private readonly ValidatorSettings _settings = ValidatorSettings.FromEnvironment();
    private readonly BlockingCollection<Request> _requests = new();
    private Sweeper? _sweeper;

    public ServeSession(int pid, ulong table, TextReader input, TextWriter output, TextWriter log)
    {
        _pid = pid;
        _table = table;
        _in = input;
        _out = output;
        _log = log;
    }

    /// <summary>Runs until end of input (exit code 0) or a fatal error (2).</summary>
    public int Run()
    {
        var reader = new Thread(ReadRequests) { IsBackground = true, Name = "InteropGuard validator stdin" };
        reader.Start();
        long nextTimer = long.MaxValue;
        bool exitSwept = false; // the program is ending: no timer sweep may follow its exit sweep (a second report of the same word)
        while (true)
        {
            int wait = Timeout.Infinite;
            if (_sweeper is not null && _settings.IntervalMs > 0 && !exitSwept)
            {
                wait = (int)Math.Clamp((nextTimer - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency, 0, int.MaxValue);
            }

            if (!_requests.TryTake(out Request? request, wait))
            {
                if (!SweepAndAnswer(SweepReason.Timer, 0))
                {
                    return 2;
                }

                nextTimer = Stopwatch.GetTimestamp() + (long)_settings.IntervalMs * Stopwatch.Frequency / 1000;
                continue;
            }

            switch (request.Op)
            {
                case "eof":
                    return 0; // nothing stays attached between sweeps: nothing to detach
                case "hello":
                    if (_sweeper is null)
                    {
                        if (!OpenTarget(request.Pid ?? _pid, _table != 0 ? _table : request.Table))
                        {
                            return 2;
                        }

                        nextTimer = Stopwatch.GetTimestamp() + (long)_settings.IntervalMs * Stopwatch.Frequency / 1000;
                    }

                    break;
                case "classify":
                    if (_sweeper is null && !OpenTarget(_pid, _table))
                    {
                        return 2;
                    }

                    if (!ClassifyAndAnswer(request))
                    {
                        return 2;
                    }

                    break;
                case "sweep":
                    if (_sweeper is null && !OpenTarget(_pid, _table))
                    {
                        return 2;
                    }

                    if (!SweepAndAnswer(request.Reason, request.Id))
                    {
                        return 2;
                    }

                    exitSwept |= request.Reason == SweepReason.Exit;
                    break;
            }
        }
    }

    private bool OpenTarget(int pid, ulong table)
    {
        try
        {
            _sweeper = Sweeper.Open(pid, table, _settings, StopNotice.Protocol);
        }
        catch (ValidatorException e)
        {
            Fatal(e.Message);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fatal($"cannot open process {pid}: {e.GetType().Name}: {e.Message}");
            return false;
        }

        bool reserved = _sweeper.ReservedRange.Hi > _sweeper.ReservedRange.Lo;
        WriteLine(ProtocolJson.Write(new ReadyEvent
        {
            Pid = Environment.ProcessId,
            WarmupMs = Math.Round(_sweeper.WarmupMs, 1),
            GcLo = reserved ? _sweeper.ReservedRange.Lo : null,
            GcHi = reserved ? _sweeper.ReservedRange.Hi : null,
        }));
        if (_settings.Verbosity >= 1)
        {
            _log.WriteLine($"InteropGuard validator: attached to process {pid} (table 0x{_sweeper.TableAddress:x}) in {_sweeper.WarmupMs:F1} ms");
        }

        return true;
    }

    /// <summary>One sweep and its answer; false after a fatal error.</summary>
    private bool SweepAndAnswer(SweepReason reason, long id)
    {
        SweepResult result;
        try
        {
            result = _sweeper!.Sweep(reason, id);
        }
        catch (ValidatorException e)
        {
            Fatal(e.Message);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug of ours or an unexpected ClrMD failure: say so, answer the sweep, keep serving.
            WriteLine(new SweepFailedWarning { Sweep = id, ExceptionType = e.GetType().Name, ExceptionMessage = e.Message }.ToJson());
            WriteLine(ProtocolJson.Write(new SweptEvent { Id = id, Reason = SweepResult.ReasonName(reason), PauseMs = 0, Findings = 0 }));
            return true;
        }

        foreach (SweepWarning warning in result.Warnings)
        {
            WriteLine(warning.ToJson());
        }

        lock (_out)
        {
            foreach (Finding f in result.Findings)
            {
                _out.WriteLine(f.ToJson());
            }

            _out.WriteLine(result.ToJson());
            _out.Flush();
        }

        if (_settings.Verbosity >= 1)
        {
            _log.WriteLine(result.ToLogLine());
        }

        if (result.ToPhasesLogLine() is { } phases)
        {
            _log.WriteLine(phases);
        }

        return true;
    }

    /// <summary>One classify request and its <c>classified</c> answer (docs/design/validator-protocol.md); false after a fatal error.</summary>
    private bool ClassifyAndAnswer(Request request)
    {
        IReadOnlyList<AddressVerdict> verdicts;
        double pauseMs;
        try
        {
            verdicts = _sweeper!.Classify(request.Addresses, out pauseMs);
        }
        catch (ValidatorException e)
        {
            Fatal(e.Message);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Answer every address as unknown: the target must not wait for an answer that never comes. How it failed
            // goes to the log; the answer carries the reason's code.
            _log.WriteLine($"InteropGuard validator: classify {request.Id} failed: {e.GetType().Name}: {e.Message}");
            var unknown = new AddressVerdict[request.Addresses.Count];
            for (int i = 0; i < unknown.Length; i++)
            {
                unknown[i] = new AddressVerdict(request.Addresses[i], AddressClass.Unknown, 0, null, 0, AddressReasons.ClassifyFailed);
            }

            verdicts = unknown;
            pauseMs = 0;
        }

        var answers = new ClassifiedAddress[verdicts.Count];
        for (int i = 0; i < answers.Length; i++)
        {
            AddressVerdict v = verdicts[i];
            answers[i] = new ClassifiedAddress
            {
                Address = v.Address,
                Verdict = v.Verdict switch
                {
                    AddressClass.Pinned => ClassifiedAddress.Pinned,
                    AddressClass.Unpinned => ClassifiedAddress.Unpinned,
                    AddressClass.Dangling => ClassifiedAddress.Dangling,
                    AddressClass.Unknown => ClassifiedAddress.Unknown,
                    _ => ClassifiedAddress.Native,
                },
                ObjectAddress = v.ObjectAddress != 0 ? v.ObjectAddress : null,
                ObjectSize = v.ObjectAddress != 0 ? (long)v.ObjectSize : null,
                ObjectType = v.ObjectType,
                Why = v.Why,
                Thread = v.Thread != 0 ? v.Thread : null,
            };
        }

        WriteLine(ProtocolJson.Write(new ClassifiedEvent { Id = request.Id, PauseMs = Math.Round(pauseMs, 2), Verdicts = answers }));
        return true;
    }

    private void ReadRequests()
    {
        try
        {
            string? line;
            while ((line = _in.ReadLine()) is not null)
            {
                Request? request = Request.Parse(line);
                if (request is not null)
                {
                    _requests.Add(request);
                }
            }
        }
        catch (IOException)
        {
            // the pipe broke: same as end of input
        }

        _requests.Add(new Request("eof", 0, SweepReason.Demand, null, 0, []));
    }

    private void Fatal(string message)
    {
        WriteLine(ProtocolJson.Write(new ErrorEvent { Fatal = true, Message = message }));
        _log.WriteLine("InteropGuard validator: " + message);
    }

    /// <summary>Writes one protocol line (an event, a warning or a finding record).</summary>
    private void WriteLine(string json)
    {
        lock (_out)
        {
            _out.WriteLine(json);
            _out.Flush();
        }
    }

    /// <summary>One request line. Unknown ops and malformed lines are ignored.</summary>
    private sealed record Request(string Op, long Id, SweepReason Reason, int? Pid, ulong Table, IReadOnlyList<ulong> Addresses)
    {
        public static Request? Parse(string line)
        {
            if (ProtocolJson.ReadRequest(line) is not { } request)
            {
                return null;
            }

            SweepReason reason = request.Reason switch
            {
                ValidatorRequest.Exit => SweepReason.Exit,
                ValidatorRequest.Timer => SweepReason.Timer,
                ValidatorRequest.Start => SweepReason.Start,
                _ => SweepReason.Demand,
            };
            int? pid = request.Pid is long p and > 0 and <= int.MaxValue ? (int)p : null;
            return new Request(request.Op!, request.Id ?? 0, reason, pid, request.Table ?? 0, request.Addresses ?? []);
        }
    }
}
