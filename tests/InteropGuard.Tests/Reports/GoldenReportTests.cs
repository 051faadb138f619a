// GoldenReportTests.cs - the text report's fixed shape: headline, location line, site lines, HINT lines and
// SUMMARY matched exactly (addresses substituted from the known values), in-process through
// Violation.ToString() and in a child process through stderr.
using System;
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class GoldenReportTests : GuardedFixture
{
    private static string Hex(nint address) => "0x" + ((ulong)address).ToString("x");

    [Test]
    public void NativeUseAfterFree_InProcess()
    {
        int allocLine = Here.Line(); var buffer = NativeBuffer.Allocate(256);
        nint p = buffer.Pointer;
        int freeLine = Here.Line(); buffer.Release();
        nint src = p + 16;
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(src, 4); });
        ReportText report = ReportText.Single(v.ToString());
        string file = Here.FileName();
        const string member = nameof(NativeUseAfterFree_InProcess);

        Assert.That(report.Headline, Is.EqualTo($"ERROR: InteropGuard: native-use-after-free on address {Hex(src)} [IG0001]"));
        Assert.That(report.Location, Does.Match(
            "^" + Regex.Escape($"P/Invoke argument 'src' points 16 bytes into a 256-byte native buffer [{Hex(p)}, {Hex(p + 256)}) that was freed ")
            + @"(< 4|\d+\.\d) ms before this call\.$"));
        Assert.That(report.Lines[2], Does.Match(@"^  thread #\d+( "".*"")? \(OS tid \d+\)$"));
        Assert.That(report.After("Call that received the freed pointer:"), Does.Match($@"^  #0 (\S+\.)?{member}  {Regex.Escape(file)}:{accessLine}$"));
        Assert.That(report.After("Buffer freed by:"), Does.Match($@"^  #0 (\S+\.)?{member}  {Regex.Escape(file)}:{freeLine}$"));
        Assert.That(report.After("Buffer allocated by:"), Does.Match($@"^  #0 (\S+\.)?{member}  {Regex.Escape(file)}:{allocLine}$"));
        Assert.That(report.Hints, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(report.Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_use_after_free=0"));
        Assert.That(report.Summary, Is.EqualTo($"SUMMARY: InteropGuard: native-use-after-free {file}:{accessLine} in {member}"));
    }

    [Test]
    public void NativeUseAfterFree_ExceptionMessageIsHeadlineAndDescription()
    {
        var buffer = NativeBuffer.Allocate(32);
        nint p = buffer.Pointer;
        buffer.Dispose();

        var e = Assert.Throws<InteropViolationException>(() => Guard.Check(p, 1))!;

        Assert.That(e.Message, Does.StartWith($"ERROR: InteropGuard: native-use-after-free on address {Hex(p)} [IG0001]").Or.StartWith($"InteropGuard: native-use-after-free on address {Hex(p)} [IG0001]"));
        Assert.That(e.Message, Does.Contain(e.Violation.Description));
    }

    [Test]
    public void NativeBufferOverflow_InProcess()
    {
        using var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        nint dst = p + 68;
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); Guard.Check(dst, 2); });
        ReportText report = ReportText.Single(v.ToString());
        string file = Here.FileName();

        Assert.That(report.Headline, Is.EqualTo($"ERROR: InteropGuard: native-buffer-overflow on address {Hex(dst)} [IG0002]"));
        Assert.That(report.Location, Does.Contain($"4 bytes past the end of a 64-byte native buffer [{Hex(p)}, {Hex(p + 64)})"));
        Assert.That(report.Location, Does.StartWith("P/Invoke argument 'dst' points "));
        Assert.That(report.Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0"));
        Assert.That(report.Summary, Is.EqualTo($"SUMMARY: InteropGuard: native-buffer-overflow {file}:{accessLine} in {nameof(NativeBufferOverflow_InProcess)}"));
    }

    [Test]
    public void DoubleFree_InProcess()
    {
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        NativeBuffer.Free(p);
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); NativeBuffer.Free(p); });
        ReportText report = ReportText.Single(v.ToString());

        Assert.That(report.Headline, Is.EqualTo($"ERROR: InteropGuard: double-free on address {Hex(p)} [IG0003]"));
        Assert.That(report.Location, Does.Contain($"16-byte native buffer [{Hex(p)}, {Hex(p + 16)})"));
        Assert.That(report.Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_double_free=0"));
        Assert.That(report.Summary, Is.EqualTo($"SUMMARY: InteropGuard: double-free {Here.FileName()}:{accessLine} in {nameof(DoubleFree_InProcess)}"));
    }

    [Test]
    public void InvalidHandle_InProcess()
    {
        var handle = CheckedHandle.Alloc(new object());
        handle.Free();
        int accessLine = 0;

        Violation v = Catch(() => { accessLine = Here.Line(); handle.Free(); });
        ReportText report = ReportText.Single(v.ToString());

        Assert.That(report.Headline, Is.EqualTo($"ERROR: InteropGuard: invalid-handle on address {Hex(handle.ToIntPtr())} [IG0009]"));
        Assert.That(report.Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_invalid_handle=0"));
        Assert.That(report.Summary, Is.EqualTo($"SUMMARY: InteropGuard: invalid-handle {Here.FileName()}:{accessLine} in {nameof(InvalidHandle_InProcess)}"));
    }

    [Test]
    public void NativeUseAfterFree_Stderr()
    {
        int accessLine = Scenario.LineOf("private static void NativeUseAfterFree()", "Guard.Check(p, 16);");
        int freeLine = Scenario.LineOf("private static void NativeUseAfterFree()", "buffer.Release();");
        int allocLine = Scenario.LineOf("private static void NativeUseAfterFree()", "NativeBuffer.Allocate(64)");

        ChildResult result = Scenario.Run("native_use_after_free");
        var reports = ReportText.Parse(result.Stderr);

        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        ReportText report = reports[0];
        Assert.That(result.Stderr, Does.StartWith(ReportText.Frame), "the report starts with its frame\n" + result);
        Assert.That(report.Headline, Does.Match(@"^ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \[IG0001\]$"));
        string address = report.Headline.Split(' ')[5];
        Assert.That(report.Location, Does.Match(
            $@"^P/Invoke argument 'p' points 0 bytes into a 64-byte native buffer \[{address}, 0x[0-9a-f]+\) that was freed (< 4|\d+\.\d) ms before this call\.$"));
        Assert.That(report.After("Call that received the freed pointer:"), Does.Match($@"^  #0 (\S+\.)?NativeUseAfterFree  ScenarioTable\.cs:{accessLine}$"));
        Assert.That(report.After("Buffer freed by:"), Does.Match($@"^  #0 (\S+\.)?NativeUseAfterFree  ScenarioTable\.cs:{freeLine}$"));
        Assert.That(report.After("Buffer allocated by:"), Does.Match($@"^  #0 (\S+\.)?NativeUseAfterFree  ScenarioTable\.cs:{allocLine}$"));
        Assert.That(report.Hints, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_use_after_free=0"));
        Assert.That(report.Summary, Is.EqualTo($"SUMMARY: InteropGuard: native-use-after-free ScenarioTable.cs:{accessLine} in NativeUseAfterFree"));
    }

    [Test]
    public void UnderflowWrittenByNative_Stderr_SaysBeforeTheStart()
    {
        ChildResult result = Scenario.Run("underflow_written_by_native");
        var reports = ReportText.Parse(result.Stderr);

        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        ReportText report = reports[0];
        var range = Regex.Match(report.Location, @"\[(0x[0-9a-f]+), 0x[0-9a-f]+\)");
        Assert.That(range.Success, Is.True, "the location line names the range\n" + result);
        nint start = (nint)Convert.ToInt64(range.Groups[1].Value, 16);
        Assert.That(report.Headline, Is.EqualTo($"ERROR: InteropGuard: native-buffer-overflow on address {Hex(start - 4)} [IG0002]"), result.ToString());
        Assert.That(report.Location, Does.Contain("4 bytes before"), "the damage lies before the buffer, not past its end\n" + result);
        Assert.That(report.Location, Does.Not.Contain("past its end"), result.ToString());
    }

    [Test]
    public void OverflowWrittenByNative_Stderr_SaysWhereTheRedzoneDamageStarts()
    {
        ChildResult result = Scenario.Run("overflow_written_by_native");
        var reports = ReportText.Parse(result.Stderr);

        Assert.That(reports, Is.Not.Empty, result.ToString());
        ReportText report = reports[0];
        Assert.That(report.Headline, Does.Match(@"^ERROR: InteropGuard: native-buffer-overflow on address 0x[0-9a-f]+ \[IG0002\]$"), result.ToString());
        Assert.That(report.Location, Does.Match(
            @"^The right redzone of a \d+-byte native buffer \[0x[0-9a-f]+, 0x[0-9a-f]+\) was overwritten from (its first byte past the end|\d+ bytes? past its end) \(found (by Guard\.Verify|when the buffer was freed)\); native code wrote beyond the buffer\.$"),
            result.ToString());
    }

    [Test]
    public void CaptureStacks_StacksStartAtTheUsersFrame()
    {
        int accessLine = Scenario.LineOf("private static void NativeUseAfterFree()", "Guard.Check(p, 16);");
        int freeLine = Scenario.LineOf("private static void NativeUseAfterFree()", "buffer.Release();");

        ChildResult result = Scenario.RunWithOptions("native_use_after_free", "capture_stacks=1");
        var reports = ReportText.Parse(result.Stderr);

        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        string access = reports[0].After("Call that received the freed pointer:");
        string freed = reports[0].After("Buffer freed by:");
        // Frame #0 is the user's frame (not InteropGuard's own), printed in the site format "#N member  file:line".
        Assert.That(access, Does.Match($@"^  #0 (\S+\.)?NativeUseAfterFree(\(\))?  ScenarioTable\.cs:{accessLine}$"), result.ToString());
        Assert.That(freed, Does.Match($@"^  #0 (\S+\.)?NativeUseAfterFree(\(\))?  ScenarioTable\.cs:{freeLine}$"), result.ToString());
        Assert.That(reports[0].Summary, Is.EqualTo($"SUMMARY: InteropGuard: native-use-after-free ScenarioTable.cs:{accessLine} in NativeUseAfterFree"));
    }

    [Test]
    public void NamedThread_AppearsInThreadLine()
    {
        var buffer = NativeBuffer.Allocate(16);
        nint p = buffer.Pointer;
        buffer.Dispose();
        Violation? v = null;
        var thread = new System.Threading.Thread(() =>
        {
            try { Guard.Check(p, 1); } catch (InteropViolationException e) { v = e.Violation; }
        }) { Name = "ig-golden-worker" };
        thread.Start();
        thread.Join();

        Assert.That(v, Is.Not.Null);
        Assert.That(v!.ThreadName, Is.EqualTo("ig-golden-worker"));
        Assert.That(ReportText.Single(v.ToString()).Lines[2], Does.Match(@"^  thread #\d+ ""ig-golden-worker"" \(OS tid \d+\)$"));
    }

    [Test]
    public void NativeDoubleFree_Stderr_ReportedThroughHook()
    {
        ChildResult result = Scenario.Run("native_double_free");
        var reports = ReportText.Parse(result.Stderr);

        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match(@"^ERROR: InteropGuard: double-free on address 0x[0-9a-f]+ \[IG0003\]$"));
        Assert.That(reports[0].Summary, Does.StartWith("SUMMARY: InteropGuard: double-free"));
        Assert.That(reports[0].Hints.Count(h => h.Contains("detect_double_free=0", StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
