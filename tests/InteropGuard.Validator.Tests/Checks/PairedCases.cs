// PairedCases.cs: the table of bug/correct scenario pairs: each bug must be found, the correct twin must be silent, and the
// bug must vanish when its detect_<kind>=0 option is set (proving that check is what found it).
using System.Collections.Generic;
using System.Linq;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class PairedCases
{
    /// <summary>(scenario, kind the bug mode must produce, other kinds it may produce, options).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("poh", FindingKinds.UnpinnedManagedPointer);
        yield return Case("frozen-literal", FindingKinds.UnpinnedManagedPointer);
        yield return Case("fixed-blocked", FindingKinds.UnpinnedManagedPointer);
        yield return Case("two-holders", FindingKinds.UnpinnedManagedPointer);
        yield return Case("marshalled-kept", FindingKinds.DanglingManagedPointer, FindingKinds.UnpinnedManagedPointer);
        yield return Case("redzone", FindingKinds.NativeBufferOverflow);
        yield return Case("redzone-left", FindingKinds.NativeBufferOverflow);
        yield return Case("unpin", FindingKinds.UseAfterUnpin);
        yield return Case("unpin-elsewhere", FindingKinds.UseAfterUnpin);
        yield return Case("use-after-free", FindingKinds.NativeUseAfterFree);
        yield return Case("leak", FindingKinds.LeakedPin, null, "detect_leaked_pin=1:pin_leak_ms=1");
        yield return Case("callback", FindingKinds.CollectedDelegateCallback);
    }

    private static TestCaseData Case(string scenario, string kind, string? alsoAllowed = null, string options = "") =>
        new TestCaseData(scenario, kind, alsoAllowed, options).SetArgDisplayNames(scenario, kind);

    [TestCaseSource(nameof(Cases))]
    public void Detects(string scenario, string kind, string? alsoAllowed, string options)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true, options);
        Assert.That(result.Findings.Select(f => f.Kind), Has.Member(kind), SweepRun.Describe(result));
        Assert.That(result.Findings.Select(f => f.Kind), Is.All.AnyOf(kind, alsoAllowed ?? kind), SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Allows(string scenario, string kind, string? alsoAllowed, string options)
    {
        SweepResult result = SweepRun.Once(scenario, bug: false, options);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_IsOff_WithDetectOption(string scenario, string kind, string? alsoAllowed, string options)
    {
        string off = FindingKinds.OptionName(kind) + "=0" + (alsoAllowed is null ? "" : ":" + FindingKinds.OptionName(alsoAllowed) + "=0");
        SweepResult result = SweepRun.Once(scenario, bug: true, options.Length == 0 ? off : options + ":" + off);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }
}
