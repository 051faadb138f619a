// FindingDetails.cs: what a finding says beyond its kind: holders, offsets, sites, redzone distances, leaks at exit, once-only reporting.
using System.Linq;
using System.Text.Json;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class FindingDetails
{
    [Test]
    public void Detects_PointerHeldInNativeBlockAndInLibraryBss()
    {
        SweepResult result = SweepRun.Once("two-holders", bug: true);
        Finding block = result.Findings.Single(f => f.Holder == "native-block");
        Finding bss = result.Findings.Single(f => f.Holder == "library-data");

        Assert.That(block.Kind, Is.EqualTo(FindingKinds.UnpinnedManagedPointer));
        Assert.That(block.HolderOffset, Is.EqualTo(8));
        Assert.That(block.HolderSize, Is.EqualTo(64));
        Assert.That(block.HolderSite?.File, Does.EndWith("Scenarios.cs"));
        Assert.That(block.ObjectType, Is.EqualTo("System.Byte[]"));
        Assert.That(block.ObjectOffset, Is.EqualTo(16 + 32), "array data starts 16 bytes into the object; the pointer was p + 32");
        Assert.That(FindingEvidence.Of(block), Does.StartWith("8 bytes into a 64-byte native block"));

        Assert.That(bss.Kind, Is.EqualTo(FindingKinds.UnpinnedManagedPointer));
        Assert.That(bss.Library, Does.EndWith("libigtestnative.so"));
        Assert.That(bss.ObjectOffset, Is.EqualTo(16 + 40));
        Assert.That(FindingEvidence.Of(bss), Does.Contain("libigtestnative.so").And.Contain("nothing pins").Or.Contain("no pinned handle"));
    }

    [Test]
    public void Detects_PointerLeftBehindByCompaction()
    {
        SweepResult result = SweepRun.Once("fixed-kept", bug: true);
        Assert.That(result.Findings, Has.Count.EqualTo(1), SweepRun.Describe(result));
        Assert.That(result.Findings[0].Kind, Is.AnyOf(FindingKinds.UnpinnedManagedPointer, FindingKinds.DanglingManagedPointer));
        Assert.That(result.Findings[0].Holder, Is.EqualTo("library-data"));
    }

    [Test]
    public void Allows_RetainedPin_UntilNativeCodeLetsGo_ThroughCompaction()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-kept", bug: false, 2);
        Assert.That(phases[0].Findings, Is.Empty, SweepRun.Describe(phases[0]));
        Assert.That(phases[0].Pins, Is.EqualTo(1));
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Allows_FixedPin_WhileThreadIsBlockedInNative_ThenNativeLetsGo()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-blocked", bug: false, 2);
        Assert.That(phases[0].Findings, Is.Empty, SweepRun.Describe(phases[0]));
        Assert.That(phases[1].Findings, Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void Detects_UseAfterUnpin_NamesThePinAndReleaseSites()
    {
        SweepResult result = SweepRun.Once("unpin", bug: true);
        Assert.That(result.Findings, Has.Count.EqualTo(1), SweepRun.Describe(result));
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.UseAfterUnpin));
        Assert.That(f.RangeKind, Is.EqualTo("managed-pin"));
        Assert.That(f.RangeSize, Is.EqualTo(300));
        Assert.That(f.Address - f.RangeStart, Is.EqualTo(4));
        Assert.That(f.AllocSite?.Function, Does.Contain("Unpin"));
        Assert.That(f.AllocSite?.File, Does.EndWith("Scenarios.cs"));
        Assert.That(f.ReleaseSite?.Line, Is.GreaterThan(f.AllocSite!.Line), "pin.Release() is a line after Guard.Pin");
        Assert.That(f.ObjectType, Is.EqualTo("System.Byte[]"), "the weak handle still finds the array");
        Assert.That(FindingEvidence.Of(f), Does.Contain("made at Scenarios.cs:").And.Contain("released at Scenarios.cs:"));
    }

    [TestCase("redzone", 0)]
    [TestCase("redzone-left", -4)]
    public void Detects_NativeBufferOverflow_WithSignedDistance(string scenario, long detail)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true);
        Finding f = result.Findings.Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.NativeBufferOverflow));
        Assert.That(f.Detail, Is.EqualTo(detail));
        Assert.That(f.Address, Is.EqualTo(detail < 0 ? f.RangeStart!.Value - 4 : f.RangeStart!.Value + 64));
        Assert.That(f.AllocSite?.Function, Does.Contain("Redzone"));
    }

    [Test]
    public void Detects_NativeUseAfterFree_NamesTheFreedBlock()
    {
        SweepResult result = SweepRun.Once("use-after-free", bug: true);
        Finding f = result.Findings.Single();
        Assert.That(f.RangeKind, Is.EqualTo("native-block"));
        Assert.That(f.RangeSize, Is.EqualTo(128));
        Assert.That(f.HolderOffset, Is.EqualTo(16));
        Assert.That(f.ReleaseSite?.Function, Does.Contain("UseAfterFree"));
    }

    [Test]
    public void Detects_LeakedPin_AtTheExitSweep_ByDefault()
    {
        using TargetChild child = TargetChild.Start("leak", bug: true);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Default);
        Assert.That(sweeper.Sweep(SweepReason.Demand, 1).Findings, Is.Empty, "before exit only with pin_leak_ms > 0");
        SweepResult exit = sweeper.Sweep(SweepReason.Exit, 2);
        Assert.That(exit.Findings.Single().Kind, Is.EqualTo(FindingKinds.LeakedPin), SweepRun.Describe(exit));
        Assert.That(FindingEvidence.Of(exit.Findings[0]), Does.Contain("still alive at exit"));
    }

    [Test]
    public void Detects_NoLeakedPin_WhenTheCheckIsOff()
    {
        const string options = "detect_leaked_pin=0";
        using TargetChild child = TargetChild.Start("leak", bug: true, options);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(options));
        SweepResult exit = sweeper.Sweep(SweepReason.Exit, 1);
        Assert.That(exit.Findings, Is.Empty, SweepRun.Describe(exit));
    }

    [Test]
    public void Allows_APinReleasedBeforeExit()
    {
        using TargetChild child = TargetChild.Start("leak", bug: false);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Default);
        SweepResult exit = sweeper.Sweep(SweepReason.Exit, 1);
        Assert.That(exit.Findings, Is.Empty, SweepRun.Describe(exit));
    }

    [Test]
    public void Detects_LeakedPin_BeforeExit_PastPinLeakMs()
    {
        SweepResult result = SweepRun.Once("leak", bug: true, "pin_leak_ms=1");
        Assert.That(result.Findings.Single().Kind, Is.EqualTo(FindingKinds.LeakedPin), SweepRun.Describe(result));
        Assert.That(FindingEvidence.Of(result.Findings[0]), Does.Contain("pin_leak_ms=1"));
    }

    [Test]
    public void LeakedPin_ExitSweepReportsEveryLivePin_EvenYoungerThanPinLeakMs()
    {
        const string options = "pin_leak_ms=600000";
        using TargetChild child = TargetChild.Start("leak", bug: true, options);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table, ValidatorSettings.Parse(options));
        Assert.That(sweeper.Sweep(SweepReason.Demand, 1).Findings, Is.Empty, "younger than pin_leak_ms");
        SweepResult exit = sweeper.Sweep(SweepReason.Exit, 2);
        Assert.That(exit.Findings.Single().Kind, Is.EqualTo(FindingKinds.LeakedPin));
        Assert.That(FindingEvidence.Of(exit.Findings[0]), Does.Contain("still alive at exit"));
    }

    [Test]
    public void AFinding_IsReportedOncePerSweeper()
    {
        using TargetChild child = TargetChild.Start("poh", bug: true);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        Assert.That(sweeper.Sweep(SweepReason.Demand, 1).Findings, Has.Count.EqualTo(1));
        Assert.That(sweeper.Sweep(SweepReason.Timer).Findings, Is.Empty);
    }

    [Test]
    public void ToJson_IsOneProtocolLine()
    {
        SweepResult result = SweepRun.Once("unpin", bug: true);
        string line = result.Findings.Single().ToJson();
        Assert.That(line, Does.Not.Contain("\n"));
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("ev").GetString(), Is.EqualTo("finding"));
        Assert.That(root.GetProperty("sweep").GetInt64(), Is.EqualTo(1));
        Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("use-after-unpin"));
        Assert.That(root.GetProperty("address").GetString(), Does.StartWith("0x"));
        Assert.That(root.GetProperty("holder").GetString(), Is.EqualTo("library-data"));
        Assert.That(root.GetProperty("allocSite").GetProperty("file").GetString(), Does.EndWith("Scenarios.cs"));
        Assert.That(root.GetProperty("shape").GetString(), Is.EqualTo("released-pin-word"));
        Assert.That(root.TryGetProperty("evidence", out _), Is.False, "the validator sends data; the target words it");
        Assert.That(root.TryGetProperty("detail", out _), Is.False, "unknown fields are left out");

        using JsonDocument swept = JsonDocument.Parse(result.ToJson());
        Assert.That(swept.RootElement.GetProperty("ev").GetString(), Is.EqualTo("swept"));
        Assert.That(swept.RootElement.GetProperty("findings").GetInt32(), Is.EqualTo(1));
        Assert.That(swept.RootElement.GetProperty("threads").GetInt32(), Is.GreaterThan(0));
    }
}
