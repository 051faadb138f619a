// ValidatorChannel.cs: the target's side of the validator protocol over the child's stdin/stdout: sends hello and sweeps, reads events on a background thread, reports findings, handles faults.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using InteropGuard.Findings;
using InteropGuard.Protocol;
using InteropGuard.Reporting;
using InteropGuard.Violations;

namespace InteropGuard.Validation;

/// <summary>One conversation with one validator (docs/design/validator-protocol.md). Findings go to the
/// <see cref="Reporter"/> as they arrive (timer sweeps too); a sweep the target asked for collects the ones reported for
/// it. Any fault (output ended, write failed, no answer in time, fatal error) stops the channel: one message, pending
/// sweeps fail, the child is killed or told to exit, and the process goes on with call-boundary checks. Nothing here
/// throws on the reader thread.</summary>
internal sealed class ValidatorChannel
{
    private const long NoSweep = -1;

    private readonly int _pid;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly Func<string> _describeEnd;
    private readonly Action _kill;
    private readonly object _lock = new();
    private readonly object _writeLock = new();
    private readonly Dictionary<long, ValidatorSweep> _pending = [];
    private readonly Dictionary<long, List<Violation>> _batches = [];
    private readonly Dictionary<long, ValidatorClassify> _classifies = [];
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);
    [ThreadStatic]
    private static bool t_onReader;

    /// <summary>How long a failed write waits for the reader to drain what the child said last (a fatal error, its exit).</summary>
    private const int DrainMs = 1000;

    /// <summary>How much longer than <c>validator_timeout_ms</c> a sweep waits for its answer. The validator's stop
    /// sentinel kills a validator whose stop overran the same deadline and writes why; while this process was stopped its
    /// clock ran on, so on resuming the timed-out wait and the reader race: the grace lets the reader take the
    /// sentinel's message, which says more than "no answer".</summary>
    private const int LastWordsMs = 500;

    private readonly ManualResetEventSlim _readerDone = new(false);
    private readonly ManualResetEventSlim _readyOrStopped = new(false);
    private bool _readerStarted;
    private long _nextId;
    private bool _stopped;
    private bool _closing;
    private bool _fatal;

    /// <param name="pid">The child's pid (messages name it).</param>
    /// <param name="input">The child's stdin.</param>
    /// <param name="output">The child's stdout.</param>
    /// <param name="describeEnd">Called when the output ends: why ("it exited with code 1"); may wait briefly.</param>
    /// <param name="kill">Ends the child at once (after a timeout or a failed write); must not throw.</param>
    public ValidatorChannel(int pid, Stream input, Stream output, Func<string> describeEnd, Action kill)
    {
        _pid = pid;
        _input = input;
        _output = output;
        _describeEnd = describeEnd;
        _kill = kill;
    }

    /// <summary>The child's pid.</summary>
    public int Pid => _pid;

    /// <summary>True on a validator reader thread (a ViolationReported handler there must not wait for a sweep: the
    /// answer would have to be read by the waiting thread itself).</summary>
    public static bool OnReaderThread => t_onReader;

    /// <summary>False once the channel stopped (fault or close).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return !_stopped;
            }
        }
    }

    /// <summary>True once the validator said <c>ready</c>.</summary>
    public bool IsReady { get; private set; }

    /// <summary>The GC heap's fixed reservation [lo, hi) the validator read at warm-up (regions GC); (0, 0) before
    /// <c>ready</c> or when the GC has no fixed range (segments GC).</summary>
    public (nint Lo, nint Hi) GcRange { get; private set; }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for <c>ready</c>; true when the validator is ready and running.</summary>
    public bool WaitReady(int timeoutMs)
    {
        if (!IsReady)
        {
            _readyOrStopped.Wait(timeoutMs);
        }

        return IsReady && IsRunning;
    }

    /// <summary>Asks the validator to classify <paramref name="addresses"/> (is each inside a live object, and is that object
    /// pinned?) and waits up to <paramref name="timeoutMs"/> for the answer; the target is stopped while it looks. Returns
    /// the request (completed, or failed when the validator stopped; no answer in time stops the validator), or null when
    /// the channel was stopped before.</summary>
    public ValidatorClassify? Classify(IReadOnlyList<nint> addresses, int timeoutMs)
    {
        long id = Interlocked.Increment(ref _nextId);
        var request = new ValidatorClassify(id);
        lock (_lock)
        {
            if (_stopped)
            {
                return null;
            }

            _classifies[id] = request;
        }

        var asked = new ulong[addresses.Count];
        for (int i = 0; i < asked.Length; i++)
        {
            asked[i] = (ulong)addresses[i];
        }

        if (Send(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Classify, Id = id, Addresses = asked })) && !request.Wait(timeoutMs))
        {
            Stop($"no answer to classify {id.ToString(CultureInfo.InvariantCulture)} within {timeoutMs.ToString(CultureInfo.InvariantCulture)} ms (validator_timeout_ms)", warn: true, kill: true);
        }

        return request;
    }

    /// <summary>Starts the background reader thread.</summary>
    public void Start()
    {
        var reader = new Thread(ReadLoop) { IsBackground = true, Name = "InteropGuard validator reader" };
        _readerStarted = true;
        reader.Start();
    }

    /// <summary>Sends <c>hello</c> (the target allowed ptrace already).</summary>
    public bool SendHello(long targetPid, nint table) =>
        Send(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Hello, Pid = targetPid, Table = (ulong)table }));

    /// <summary>Asks for a sweep and waits up to <paramref name="timeoutMs"/> for its <c>swept</c>. Returns the sweep
    /// (completed, or failed when the validator stopped meanwhile; no answer in time stops the validator), or null when
    /// the channel was stopped before.</summary>
    public ValidatorSweep? Sweep(string reason, SourceSite? site, int timeoutMs)
    {
        long id = Interlocked.Increment(ref _nextId);
        var sweep = new ValidatorSweep(id, reason, site);
        lock (_lock)
        {
            if (_stopped)
            {
                return null;
            }

            _pending[id] = sweep;
        }

        string idText = id.ToString(CultureInfo.InvariantCulture);
        if (Send(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Sweep, Id = id, Reason = reason })) && !sweep.Wait(timeoutMs) && !sweep.Wait(LastWordsMs))
        {
            Stop($"no answer to sweep {idText} within {timeoutMs.ToString(CultureInfo.InvariantCulture)} ms (validator_timeout_ms)", warn: true, kill: true);
        }

        return sweep;
    }

    /// <summary>Closes the child's stdin (end of file: the validator exits) without a warning; pending sweeps fail.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closing = true;
        }

        Stop("closed", warn: false, kill: false);
    }

    /// <summary>Handles one line of the validator's output (the reader thread calls it; tests call it directly).</summary>
    internal void Handle(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        ValidatorMessage? message = ValidatorMessage.TryParse(line);
        if (message is null)
        {
            SayOnce("garbage", ValidatorStatusWarnings.NotAMessage(_pid, Shorten(line)));
            return;
        }

        JsonElement root = message.Root;
        switch (message.Event)
        {
            case ValidatorEvent.Ready:
                ReadyEvent? ready = ProtocolJson.ReadReady(root);
                ulong gcLo = ready?.GcLo ?? 0, gcHi = ready?.GcHi ?? 0;
                GcRange = gcHi > gcLo ? ((nint)gcLo, (nint)gcHi) : (0, 0);
                IsReady = true;
                _readyOrStopped.Set();
                if (GuardRuntime.Options.Verbosity >= 1)
                {
                    Reporter.Warn(ValidatorStatusWarnings.Ready(_pid, ready?.WarmupMs));
                }

                break;
            case ValidatorEvent.Finding:
                OnFinding(root);
                break;
            case ValidatorEvent.Swept:
                OnSwept(root);
                break;
            case ValidatorEvent.Classified:
                OnClassified(root);
                break;
            case ValidatorEvent.Error when ProtocolJson.ReadError(root) is { Fatal: true } error:
                OnFatal(error.Message ?? "(no message)");
                break;
            case ValidatorEvent.Error:
            case ValidatorEvent.Warning:
                string text = SweepWarningJson.Read(root) is { } warning ? SweepWarningWording.Text(warning) : "(no message)";
                SayOnce("w:" + text, ValidatorStatusWarnings.Relayed(_pid, text));
                break;
            default:
                break; // an event of a newer validator: ignored
        }
    }

    private void ReadLoop()
    {
        t_onReader = true;
        string reason;
        try
        {
            var reader = new ValidatorLineReader(_output);
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                try
                {
                    Handle(line);
                }
                catch (Exception e)
                {
                    SayOnce("internal", ValidatorStatusWarnings.LineNotHandled(_pid, e, Shorten(line)));
                }
            }

            reason = SafeDescribeEnd();
        }
        catch (Exception e)
        {
            reason = "reading its output failed: " + e.Message;
        }

        Stop(reason, warn: true, kill: true);
        _readerDone.Set();
    }

    private void OnFinding(JsonElement root)
    {
        long sweepId = JsonFields.Int64(root, "sweep", NoSweep);
        Violation? v = ValidatorFindingParser.ToViolation(root, Origin(sweepId, JsonFields.Int64(root, "n", 0)), out string? badKind);
        if (v is null)
        {
            SayOnce("kind:" + badKind, ValidatorStatusWarnings.UnknownKind(_pid, badKind));
            return;
        }

        if (!Reporter.Report(v, throwOnReport: false))
        {
            return; // detect_ off or suppressed
        }

        lock (_lock)
        {
            if (!_batches.TryGetValue(sweepId, out List<Violation>? batch))
            {
                batch = [];
                _batches[sweepId] = batch;
            }

            batch.Add(v);
        }
    }

    private void OnSwept(JsonElement root)
    {
        long id = ProtocolJson.ReadSwept(root)?.Id ?? NoSweep;
        if (id == NoSweep)
        {
            return; // a swept without an id answers nobody; its findings wait for the next one
        }

        ValidatorSweep? sweep;
        var findings = new List<Violation>();
        lock (_lock)
        {
            if (_batches.Remove(id, out List<Violation>? own))
            {
                findings.AddRange(own);
            }

            if (_batches.Remove(NoSweep, out List<Violation>? unnamed))
            {
                findings.AddRange(unnamed); // findings without "sweep" belong to the next swept
            }

            _pending.Remove(id, out sweep);
        }

        sweep?.Complete(findings);
    }

    private void OnClassified(JsonElement root)
    {
        // A line whose verdicts are broken still answers its request (with no verdict: each address is then unchecked).
        ClassifiedEvent? answer = ProtocolJson.ReadClassified(root);
        long id = answer?.Id ?? JsonFields.Int64(root, "id", NoSweep);
        ValidatorClassify? request;
        lock (_lock)
        {
            _classifies.Remove(id, out request);
        }

        if (request is null)
        {
            return; // answers nobody (it timed out)
        }

        var verdicts = new Dictionary<nint, PinVerdict>();
        foreach (ClassifiedAddress v in answer?.Verdicts ?? [])
        {
            verdicts[(nint)(v.Address ?? 0)] = new PinVerdict(v.Verdict ?? ClassifiedAddress.Unknown, (nint)(v.ObjectAddress ?? 0), v.ObjectType, (nint)(v.ObjectSize ?? 0),
                v.Why ?? "", v.Thread);
        }

        request.Complete(verdicts);
    }

    private void OnFatal(string message)
    {
        lock (_lock)
        {
            if (_fatal || _stopped)
            {
                return;
            }

            _fatal = true;
        }

        Reporter.Warn(ValidatorStatusWarnings.Fatal(_pid, message));
        Stop("fatal error", warn: false, kill: false); // it exits by itself after a fatal error; closing stdin makes sure
    }

    /// <summary>Stops once: fails pending sweeps, closes stdin, kills the child when asked, warns unless told not to
    /// (or a close or a fatal error said it already).</summary>
    private void Stop(string reason, bool warn, bool kill)
    {
        List<ValidatorSweep> pending;
        List<ValidatorClassify> classifies;
        bool quiet;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            quiet = _closing || _fatal;
            pending = [.. _pending.Values];
            _pending.Clear();
            classifies = [.. _classifies.Values];
            _classifies.Clear();
            _batches.Clear();
        }

        if (warn && !quiet)
        {
            Reporter.Warn(ValidatorStatusWarnings.Stopped(_pid, reason));
        }

        foreach (ValidatorSweep sweep in pending)
        {
            sweep.Fail();
        }

        foreach (ValidatorClassify request in classifies)
        {
            request.Fail();
        }

        _readyOrStopped.Set();

        if (kill)
        {
            try
            {
                _kill();
            }
            catch (Exception)
            {
                // Killing is best effort; the child dies with its stdin anyway.
            }
        }

        CloseInput();
    }

    private bool Send(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        try
        {
            lock (_writeLock)
            {
                _input.Write(bytes, 0, bytes.Length);
                _input.Flush();
            }

            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            // The child closed its stdin, most likely on its way out: let the reader take its last words (a fatal
            // error, the exit code) first, so the one message says why.
            if (_readerStarted)
            {
                _readerDone.Wait(DrainMs);
            }

            Stop("writing to it failed: " + e.Message, warn: true, kill: true);
            return false;
        }
    }

    private void CloseInput()
    {
        try
        {
            lock (_writeLock)
            {
                _input.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe is gone already.
        }
    }

    private string SafeDescribeEnd()
    {
        try
        {
            return _describeEnd();
        }
        catch (Exception e)
        {
            return "its output ended (" + e.Message + ")";
        }
    }

    /// <summary>The sweep a finding belongs to: the one the target asked for as <paramref name="sweepId"/> (0 for the
    /// validator's timer); <paramref name="number"/> is the validator's own count of its sweeps (1..N, 0 when an older
    /// validator did not send it), the number every log line and <c>attach</c> use.</summary>
    private TargetSweepOrigin Origin(long sweepId, long number)
    {
        ValidatorSweep? sweep = null;
        if (sweepId != 0)
        {
            lock (_lock)
            {
                _pending.TryGetValue(sweepId, out sweep);
            }
        }

        return new TargetSweepOrigin(_pid, sweepId, number, sweep?.Reason, sweep?.Site);
    }

    private void SayOnce(string key, string text)
    {
        lock (_lock)
        {
            if (!_said.Add(key))
            {
                return;
            }
        }

        Reporter.Warn(text);
    }

    private static string Shorten(string line)
    {
        string oneLine = line.Replace('\0', ' ').Replace('\r', ' ').Trim();
        return oneLine.Length <= 120 ? "'" + oneLine + "'" : "'" + oneLine[..120] + "...'";
    }
}
