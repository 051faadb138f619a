// TableFaults.cs: garbage, torn and missing tables, a target that is gone or cannot be attached: clear errors, no crash, the target keeps running.
using System;
using System.Linq;
using InteropGuard.Findings;
using InteropGuard.Validator.Tests.TestSupport;
using Microsoft.Diagnostics.Runtime;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Robustness;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class TableFaults
{
    [Test]
    public void Open_FindsTheTableThroughTheLibraryExport()
    {
        using TargetChild child = TargetChild.Start("idle", bug: false);
        using Sweeper sweeper = Sweeper.Open(child.Pid, 0);
        Assert.That(sweeper.TableAddress, Is.EqualTo(child.Table));
    }

    [Test]
    public void Open_GarbageAddress_IsAClearError()
    {
        using TargetChild child = TargetChild.Start("idle", bug: false);
        var e = Assert.Throws<ValidatorException>(() => Sweeper.Open(child.Pid, 0x1000));
        Assert.That(e!.Kind, Is.EqualTo(ValidatorErrorKind.TableInvalid));
        Assert.That(e.Message, Does.Contain("cannot be read").And.Contain("--table"));
        Assert.That(child.Responds(TimeSpan.FromSeconds(10)), Is.True, "the target runs on");
    }

    [Test]
    public void Open_RandomMemory_IsAClearError()
    {
        using TargetChild child = TargetChild.Start("idle", bug: false);
        // Points into the real header, 8 bytes off: readable, but not a header.
        var e = Assert.Throws<ValidatorException>(() => Sweeper.Open(child.Pid, child.Table + 8));
        Assert.That(e!.Kind, Is.EqualTo(ValidatorErrorKind.TableInvalid));
        Assert.That(e.Message, Does.Contain("magic"));
    }

    [Test]
    public void TornTable_GarbageRecordsAndUnreadableChunk_AreSkippedWithAWarning()
    {
        using TargetChild child = TargetChild.Start("fake-table", bug: true);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult result = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(result.Warnings.OfType<TornRecordsWarning>().Single().Count, Is.GreaterThan(0), SweepRun.Describe(result));
        Assert.That(result.Warnings.OfType<UnreadableMemoryWarning>().Single().Count, Is.GreaterThan(0), SweepRun.Describe(result));
        Assert.That(child.Responds(TimeSpan.FromSeconds(10)), Is.True);

        child.Next(); // bad magic
        var magic = Assert.Throws<ValidatorException>(() => sweeper.Sweep(SweepReason.Demand, 2));
        Assert.That(magic!.Message, Does.Contain("magic"));

        child.Next(); // impossible counts
        var counts = Assert.Throws<ValidatorException>(() => Sweeper.Open(child.Pid, child.Table));
        Assert.That(counts!.Message, Does.Contain("impossible"));
        Assert.That(child.Responds(TimeSpan.FromSeconds(10)), Is.True, "the target was resumed after every failed sweep");
    }

    [Test]
    public void Open_ProcessThatDoesNotExist_IsTargetUnavailable()
    {
        var e = Assert.Throws<ValidatorException>(() => Sweeper.Open(int.MaxValue - 7, 0));
        Assert.That(e!.Kind, Is.EqualTo(ValidatorErrorKind.TargetUnavailable));
    }

    [Test]
    public void Sweep_AfterTheTargetExited_IsTargetUnavailable()
    {
        TargetChild child = TargetChild.Start("idle", bug: false);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        int pid = child.Pid;
        child.Dispose();
        for (int i = 0; i < 100 && System.IO.Directory.Exists("/proc/" + pid); i++)
        {
            System.Threading.Thread.Sleep(50);
        }

        var e = Assert.Throws<ValidatorException>(() => sweeper.Sweep(SweepReason.Demand, 1));
        Assert.That(e!.Kind, Is.EqualTo(ValidatorErrorKind.TargetUnavailable));
    }

    [Test]
    public void Open_WhileAnotherDebuggerIsAttached_IsAttachRefused_AndNamesTheFix()
    {
        using TargetChild child = TargetChild.Start("idle", bug: false);
        ValidatorException? e;
        using (DataTarget.AttachToProcess(child.Pid, suspend: true))
        {
            e = Assert.Throws<ValidatorException>(() => Sweeper.Open(child.Pid, child.Table));
        }

        Assert.That(e!.Kind, Is.EqualTo(ValidatorErrorKind.AttachRefused));
        Assert.That(e.Message, Does.Contain("PR_SET_PTRACER").And.Contain("ptrace_scope").And.Contain("CAP_SYS_PTRACE"));
        Assert.That(child.Responds(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public void Sweep_ResumesTheTarget()
    {
        using TargetChild child = TargetChild.Start("poh", bug: true);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(child.Responds(TimeSpan.FromSeconds(10)), Is.True);
    }
}
