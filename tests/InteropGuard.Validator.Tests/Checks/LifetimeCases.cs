// LifetimeCases.cs: the validator's lifetime findings (issue 5), paired like PairedCases: native memory holding a pointer
// into a released mapped view (use-after-unmap), the entry of a released GuardedCallback (collected-delegate-callback),
// and a string whose pin was released (use-after-unpin, flagged as a string); each correct twin is silent, and each bug
// vanishes with its detect_ option off.
using System.Collections.Generic;
using System.Linq;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class LifetimeCases
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("view-kept", FindingKinds.UseAfterUnmap).SetArgDisplayNames("view-kept", FindingKinds.UseAfterUnmap);
        yield return new TestCaseData("callback-kept", FindingKinds.CollectedDelegateCallback).SetArgDisplayNames("callback-kept", FindingKinds.CollectedDelegateCallback);
        yield return new TestCaseData("string-kept", FindingKinds.UseAfterUnpin).SetArgDisplayNames("string-kept", FindingKinds.UseAfterUnpin);
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects(string scenario, string kind)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true);
        Assert.That(result.Findings.Select(f => f.Kind), Is.EqualTo(new[] { kind }), SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Allows(string scenario, string kind)
    {
        SweepResult result = SweepRun.Once(scenario, bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_IsOff_WithDetectOption(string scenario, string kind)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true, FindingKinds.OptionName(kind) + "=0");
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [Test]
    public void Detects_UnmappedView_NamesTheViewAndItsSites()
    {
        SweepResult result = SweepRun.Once("view-kept", bug: true);
        Finding f = result.Findings.Single();

        Assert.That(f.RangeKind, Is.EqualTo("mapped-view"), f.ToJson());
        Assert.That(f.Address, Is.EqualTo(f.RangeStart + 4096), f.ToJson());
        Assert.That(f.HolderOffset, Is.EqualTo(24UL), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("ViewKept"), f.ToJson());
        Assert.That(f.ReleaseSite!.Function, Is.EqualTo("ViewKept"), f.ToJson());
        Assert.That(FindingEvidence.Of(f), Does.Contain("4096 bytes into a 65536-byte mapped view").And.Contain("unmapped at"), f.ToJson());
        Assert.That(f.ToJson(), Does.Contain("\"kind\":\"use-after-unmap\""));
    }

    [Test]
    public void Detects_ReleasedCallback_AtItsEntry()
    {
        SweepResult result = SweepRun.Once("callback-kept", bug: true);
        Finding f = result.Findings.Single();

        Assert.That(f.RangeKind, Is.EqualTo("callback"), f.ToJson());
        Assert.That(f.Address, Is.EqualTo(f.RangeStart), f.ToJson());
        Assert.That(f.AllocSite!.Function, Is.EqualTo("CallbackKept"), f.ToJson());
        Assert.That(FindingEvidence.Of(f), Does.Contain("the entry of a callback created at").And.Contain("native code still holds the function pointer"), f.ToJson());
    }

    [Test]
    public void Detects_StringPin_CarriesTheStringFlag()
    {
        SweepResult result = SweepRun.Once("string-kept", bug: true);
        Finding f = result.Findings.Single();

        Assert.That(f.RangeFlags, Is.EqualTo(0x1_0000u), f.ToJson());
        Assert.That(f.ToJson(), Does.Contain("\"rangeFlags\":\"0x10000\""));
        Assert.That(FindingEvidence.Of(f), Does.Contain("-byte pinned string ["), f.ToJson());
    }
}
