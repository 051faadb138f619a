// ValidatorChannelTests.cs - the protocol state machine in process, fed line by line: a sweep collects the findings
// reported for it, filtering applies, and every fault (silence, garbage, fatal error, write failure) is one message.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validation;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

[NonParallelizable]
public sealed class ValidatorChannelTests
{
    private StringWriter _stderr = new();
    private GuardOptions _savedOptions = GuardOptions.Default;

    [SetUp]
    public void CaptureReports()
    {
        _savedOptions = GuardRuntime.Options;
        _stderr = new StringWriter();
        Reporter.ResetForTests();
        Reporter.ErrorOverride = _stderr;
    }

    [TearDown]
    public void RestoreReports()
    {
        Reporter.ErrorOverride = null;
        Reporter.ResetForTests();
        GuardRuntime.Options = _savedOptions;
    }

    private static string Finding(long sweep) => FakeValidator.Finding.Replace("__SWEEP__", sweep.ToString(), StringComparison.Ordinal);

    private static int Count(string text, string value)
    {
        int n = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>A channel whose stdin is recorded and whose stdout is fed by the test through Handle.</summary>
    private static (ValidatorChannel Channel, RecordingStream Input, Func<int> Kills) NewChannel()
    {
        var input = new RecordingStream();
        int kills = 0;
        var channel = new ValidatorChannel(4242, input, Stream.Null, () => "it exited with code 9", () => Interlocked.Increment(ref kills));
        return (channel, input, () => Volatile.Read(ref kills));
    }

    /// <summary>Starts a sweep on another thread and returns once its line was written.</summary>
    private static Task<ValidatorSweep?> StartSweep(ValidatorChannel channel, RecordingStream input, int timeoutMs, string reason = "demand")
    {
        int before = input.Lines.Count;
        var site = new SourceSite("Tests.Caller", "/t/Caller.cs", 12);
        Task<ValidatorSweep?> task = Task.Run(() => channel.Sweep(reason, site, timeoutMs));
        Assert.That(SpinWait.SpinUntil(() => input.Lines.Count > before, 10_000), Is.True, "the sweep line was not written");
        return task;
    }

    [Test]
    public void Classify_SendsTheAddressesAndReturnsTheVerdictsOfItsAnswer()
    {
        var (channel, input, _) = NewChannel();
        channel.Handle("{\"ev\":\"ready\",\"pid\":9,\"gcLo\":\"0x10000000\",\"gcHi\":\"0x20000000\"}");
        Assert.That(channel.GcRange, Is.EqualTo(((nint)0x10000000, (nint)0x20000000)));

        Task<ValidatorClassify?> task = Task.Run(() => channel.Classify([(nint)0x10001010, (nint)0x5500], 10_000));
        Assert.That(SpinWait.SpinUntil(() => input.Lines.Count > 0, 10_000), Is.True, "the classify line was not written");
        Assert.That(input.Lines[0], Is.EqualTo("{\"op\":\"classify\",\"id\":1,\"addresses\":[\"0x10001010\",\"0x5500\"]}"));
        channel.Handle("{\"ev\":\"classified\",\"id\":1,\"verdicts\":[{\"address\":\"0x10001010\",\"verdict\":\"unpinned\",\"objectAddress\":\"0x10001000\",\"objectType\":\"System.Int32[]\",\"objectSize\":88,\"why\":\"not-pinned\"},{\"address\":\"0x5500\",\"verdict\":\"native\",\"why\":\"\"}]}");

        ValidatorClassify request = task.Result!;
        Assert.That(request.Completed, Is.True);
        Assert.That(request.Verdicts[(nint)0x10001010], Is.EqualTo(new PinVerdict("unpinned", (nint)0x10001000, "System.Int32[]", 88, "not-pinned")));
        Assert.That(request.Verdicts[(nint)0x5500].Verdict, Is.EqualTo("native"));
    }

    // The reason travels as a code with its facts (the thread of a stack-walk-short verdict); the target words it.
    [Test]
    public void Classify_ReadsTheReasonCodeAndTheThreadOfAnUndecidedVerdict()
    {
        var (channel, input, _) = NewChannel();
        Task<ValidatorClassify?> task = Task.Run(() => channel.Classify([(nint)0x10001010], 10_000));
        Assert.That(SpinWait.SpinUntil(() => input.Lines.Count > 0, 10_000), Is.True, "the classify line was not written");
        channel.Handle("{\"ev\":\"classified\",\"id\":1,\"verdicts\":[{\"address\":\"0x10001010\",\"verdict\":\"unknown\",\"objectAddress\":\"0x10001000\",\"why\":\"stack-walk-short\",\"thread\":4711}]}");

        PinVerdict v = task.Result!.Verdicts[(nint)0x10001010];
        Assert.That((v.Verdict, v.Why, v.Thread), Is.EqualTo(("unknown", "stack-walk-short", (long?)4711)));
        Assert.That(AddressReasons.Words(v.Why, v.Thread),
            Is.EqualTo("thread 4711 was stopped where its stack walk stops short, and its stack beyond holds a pointer into the object"));
    }

    [Test]
    public void Classify_AnAnswerWithBrokenVerdicts_StillAnswersItsRequest_WithNoVerdict()
    {
        var (channel, input, _) = NewChannel();
        Task<ValidatorClassify?> task = Task.Run(() => channel.Classify([(nint)0x10001010], 10_000));
        Assert.That(SpinWait.SpinUntil(() => input.Lines.Count > 0, 10_000), Is.True, "the classify line was not written");
        channel.Handle("{\"ev\":\"classified\",\"id\":1,\"verdicts\":[1,2]}");

        ValidatorClassify request = task.Result!;
        Assert.That(request.Completed, Is.True, "the caller does not wait for validator_timeout_ms");
        Assert.That(request.Verdicts, Is.Empty);
    }

    [Test]
    public void Classify_FailsWhenTheValidatorStopsBeforeAnswering()
    {
        var (channel, input, _) = NewChannel();
        Task<ValidatorClassify?> task = Task.Run(() => channel.Classify([(nint)0x10001010], 10_000));
        Assert.That(SpinWait.SpinUntil(() => input.Lines.Count > 0, 10_000), Is.True);
        channel.Close();

        Assert.That(task.Result!.Completed, Is.False);
        Assert.That(channel.WaitReady(10), Is.False, "a stopped validator is never ready");
    }

    [Test]
    public void Hello_And_Sweep_LinesFollowTheProtocol()
    {
        var (channel, input, _) = NewChannel();

        long table = 0x7f0012340000;
        channel.SendHello(123, (nint)table);
        Task<ValidatorSweep?> sweep = StartSweep(channel, input, 10_000);
        channel.Handle("{\"ev\":\"swept\",\"id\":1,\"reason\":\"demand\"}");

        Assert.That(sweep.Result!.Completed, Is.True);
        Assert.That(input.Lines, Is.EqualTo(new[]
        {
            "{\"op\":\"hello\",\"pid\":123,\"table\":\"0x7f0012340000\"}",
            "{\"op\":\"sweep\",\"id\":1,\"reason\":\"demand\"}",
        }));
    }

    [Test]
    public void Sweep_ReturnsTheFindingsOfThatSweep_Only()
    {
        var (channel, input, _) = NewChannel();
        using var recorder = new TestSupport.ReportRecorder();

        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle(Finding(0).Replace("Demo.Keep", "Demo.Timer", StringComparison.Ordinal)); // a timer sweep's finding in between
        channel.Handle("{\"ev\":\"swept\",\"id\":0,\"reason\":\"timer\"}");
        channel.Handle(Finding(1));
        channel.Handle("{\"ev\":\"swept\",\"id\":1,\"reason\":\"demand\",\"findings\":1}");
        ValidatorSweep sweep = task.Result!;

        Assert.That(sweep.Completed, Is.True);
        Assert.That(sweep.Findings, Has.Count.EqualTo(1));
        Assert.That(sweep.Findings[0].Holder!.Site!.Member, Is.EqualTo("Demo.Keep"));
        Assert.That(ValidatorReportFormatter.FoundBy(((ValidatorViolation)sweep.Findings[0]).Origin), Is.EqualTo("the validator (pid 4242) in sweep 1, asked for by Guard.Validate in Tests.Caller  Caller.cs:12"));
        Assert.That(recorder.Violations, Has.Count.EqualTo(2), "both were reported (event raised)");
        Assert.That(ValidatorReportFormatter.FoundBy(((ValidatorViolation)recorder.Violations[0]).Origin), Is.EqualTo("the validator (pid 4242) in a timer sweep"));
        Assert.That(Count(_stderr.ToString(), "ERROR: InteropGuard: unpinned-managed-pointer"), Is.EqualTo(2));
    }

    [Test]
    public void FoundBy_UsesTheValidatorsSweepNumber_ForTimerAndDemandSweepsAlike()
    {
        var (channel, input, _) = NewChannel();
        using var recorder = new TestSupport.ReportRecorder();

        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle(Finding(0).Replace("{\"ev\"", "{\"n\":3,\"ev\"", StringComparison.Ordinal).Replace("Demo.Keep", "Demo.Timer", StringComparison.Ordinal));
        channel.Handle("{\"ev\":\"swept\",\"id\":0,\"n\":3,\"reason\":\"timer\"}");
        channel.Handle(Finding(1).Replace("{\"ev\"", "{\"n\":4,\"ev\"", StringComparison.Ordinal));
        channel.Handle("{\"ev\":\"swept\",\"id\":1,\"n\":4,\"reason\":\"demand\",\"findings\":1}");
        ValidatorSweep sweep = task.Result!;

        Assert.That(ValidatorReportFormatter.FoundBy(((ValidatorViolation)recorder.Violations[0]).Origin), Is.EqualTo("the validator (pid 4242) in sweep 3 (timer)"));
        Assert.That(ValidatorReportFormatter.FoundBy(((ValidatorViolation)sweep.Findings[0]).Origin), Is.EqualTo("the validator (pid 4242) in sweep 4, asked for by Guard.Validate in Tests.Caller  Caller.cs:12"));
    }

    [Test]
    public void FindingWithoutSweepId_BelongsToTheNextSwept()
    {
        var (channel, input, _) = NewChannel();

        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle(Finding(1).Replace("\"sweep\":1,", "", StringComparison.Ordinal));
        channel.Handle("{\"ev\":\"swept\",\"id\":1}");

        Assert.That(task.Result!.Findings, Has.Count.EqualTo(1));
        Assert.That(ValidatorReportFormatter.FoundBy(((ValidatorViolation)task.Result.Findings[0]).Origin), Is.EqualTo("the validator (pid 4242)"));
    }

    [Test]
    public void Detects_Finding_ThenAllows_WithItsCheckOff()
    {
        var (channel, input, _) = NewChannel();
        GuardRuntime.Options = GuardOptions.Parse("detect_unpinned_managed_pointer=0", null);

        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle(Finding(1));
        channel.Handle("{\"ev\":\"swept\",\"id\":1}");

        Assert.That(task.Result!.Completed, Is.True);
        Assert.That(task.Result.Findings, Is.Empty);
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public void NoAnswerInTime_StopsOnce_KillsTheChild_FailsTheSweep()
    {
        var (channel, input, kills) = NewChannel();

        ValidatorSweep? sweep = StartSweep(channel, input, 50).Result;

        Assert.That(sweep, Is.Not.Null);
        Assert.That(sweep!.Completed, Is.False);
        Assert.That(sweep.Findings, Is.Empty);
        Assert.That(kills(), Is.EqualTo(1));
        Assert.That(channel.IsRunning, Is.False);
        Assert.That(input.IsDisposed, Is.True, "stdin is closed");
        Assert.That(_stderr.ToString(), Is.EqualTo("InteropGuard: warning: the validator (pid 4242) stopped (no answer to sweep 1 within 50 ms (validator_timeout_ms)); validation is off, call-boundary checks continue\n"));
        Assert.That(channel.Sweep("demand", null, 50), Is.Null, "a stopped channel sends nothing");
        channel.Handle("{\"ev\":\"swept\",\"id\":1}"); // a late answer changes nothing
        Assert.That(Count(_stderr.ToString(), "stopped"), Is.EqualTo(1));
    }

    [Test]
    public void WriteFailure_StopsWithOneWarning()
    {
        var input = new RecordingStream { FailWrites = true };
        var channel = new ValidatorChannel(4242, input, Stream.Null, () => "", () => { });

        ValidatorSweep? sweep = channel.Sweep("demand", null, 10_000);

        Assert.That(sweep!.Completed, Is.False);
        Assert.That(channel.IsRunning, Is.False);
        Assert.That(_stderr.ToString(), Does.StartWith("InteropGuard: warning: the validator (pid 4242) stopped (writing to it failed: Broken pipe)"));
    }

    [Test]
    public void Garbage_OneWarning_TheChannelGoesOn()
    {
        var (channel, input, _) = NewChannel();

        channel.Handle("garbage one");
        channel.Handle("{\"also\":\"garbage\"}");
        channel.Handle(ValidatorLineReader.Overlong);
        channel.Handle("");
        channel.Handle("{\"ev\":\"from-the-future\"}");
        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle("{\"ev\":\"swept\",\"id\":1}");

        Assert.That(task.Result!.Completed, Is.True);
        Assert.That(_stderr.ToString(), Is.EqualTo("InteropGuard: warning: the validator (pid 4242) wrote a line that is not a protocol message; it is ignored, and so are later ones: 'garbage one'\n"));
    }

    [Test]
    public void UnknownFindingKind_OneWarningPerKind()
    {
        var (channel, _, _) = NewChannel();

        channel.Handle("{\"ev\":\"finding\",\"kind\":\"stack-smash\"}");
        channel.Handle("{\"ev\":\"finding\",\"kind\":\"stack-smash\"}");

        Assert.That(Count(_stderr.ToString(), "unknown kind 'stack-smash'"), Is.EqualTo(1));
        Assert.That(channel.IsRunning, Is.True);
    }

    [Test]
    public void FatalError_MessageOnce_NoStoppedWarning_PendingSweepFails()
    {
        var (channel, input, kills) = NewChannel();

        Task<ValidatorSweep?> task = StartSweep(channel, input, 10_000);
        channel.Handle("{\"ev\":\"error\",\"fatal\":true,\"message\":\"ptrace refused; run as the same user\"}");
        channel.Handle("{\"ev\":\"error\",\"fatal\":true,\"message\":\"ptrace refused; run as the same user\"}");

        Assert.That(task.Result!.Completed, Is.False);
        Assert.That(channel.IsRunning, Is.False);
        Assert.That(kills(), Is.Zero, "it exits by itself after a fatal error");
        Assert.That(_stderr.ToString(), Is.EqualTo("InteropGuard: warning: the validator (pid 4242) cannot go on: ptrace refused; run as the same user; validation is off, call-boundary checks continue\n"));
    }

    [Test]
    public void WarningsAndNonFatalErrors_OnceEach()
    {
        var (channel, _, _) = NewChannel();

        channel.Handle("{\"ev\":\"warning\",\"message\":\"retried\"}");
        channel.Handle("{\"ev\":\"warning\",\"message\":\"retried\"}");
        channel.Handle("{\"ev\":\"error\",\"fatal\":false,\"message\":\"torn record\"}");
        channel.Handle("{\"ev\":\"warning\"}");

        Assert.That(_stderr.ToString(), Is.EqualTo(
            "InteropGuard: warning: the validator (pid 4242): retried\n"
            + "InteropGuard: warning: the validator (pid 4242): torn record\n"
            + "InteropGuard: warning: the validator (pid 4242): (no message)\n"));
        Assert.That(channel.IsRunning, Is.True);
    }

    [Test]
    public void Close_IsSilent_AndFailsPendingSweeps()
    {
        var (channel, input, kills) = NewChannel();

        channel.Close();

        Assert.That(channel.IsRunning, Is.False);
        Assert.That(input.IsDisposed, Is.True);
        Assert.That(kills(), Is.Zero);
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public void ReaderThread_OutputEnds_WarnsWithTheExitReason()
    {
        var input = new RecordingStream();
        var output = new MemoryStream(Encoding.UTF8.GetBytes("{\"ev\":\"ready\"}\n"));
        var channel = new ValidatorChannel(4242, input, output, () => "it exited with code 9", () => { });

        channel.Start();

        Assert.That(SpinWait.SpinUntil(() => !channel.IsRunning, 10_000), Is.True);
        Assert.That(channel.IsReady, Is.True);
        // The channel marks itself stopped before it warns (outside its lock): wait for the line, not just the flag.
        SpinWait.SpinUntil(() => _stderr.ToString().Length > 0, 10_000);
        Assert.That(_stderr.ToString(), Is.EqualTo("InteropGuard: warning: the validator (pid 4242) stopped (it exited with code 9); validation is off, call-boundary checks continue\n"));
    }

    [Test]
    public void Validate_InMode1_ReturnsEmpty()
    {
        Assume.That(Guard.Mode, Is.EqualTo(GuardMode.Boundary), "the test process runs in mode 1");

        Assert.That(Guard.Validate(), Is.Empty);
        Assert.That(ValidatorSession.IsActive, Is.False, "mode 1 starts no validator");
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    /// <summary>A write-only stream that records complete lines (thread-safe) and can fail like a broken pipe.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly List<string> _lines = [];
        private readonly StringBuilder _partial = new();

        public bool FailWrites { get; init; }

        public bool IsDisposed { get; private set; }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines) return _lines.ToArray();
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (FailWrites) throw new IOException("Broken pipe");
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            lock (_lines)
            {
                _partial.Append(Encoding.UTF8.GetString(buffer, offset, count));
                string text = _partial.ToString();
                int newline;
                while ((newline = text.IndexOf('\n', StringComparison.Ordinal)) >= 0)
                {
                    _lines.Add(text[..newline]);
                    text = text[(newline + 1)..];
                }
                _partial.Clear().Append(text);
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }
    }
}
