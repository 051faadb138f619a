// NativeHeapCases.cs: bug/correct pairs where a native library's own heap (malloc, calloc, realloc-moved, aligned, C++ new, mmap-sized, another thread's arena) or a NativeMemory block holds a managed pointer or a released callback's entry; each bug rerun with native-heap tracking off and with its detect_ option off.
using System.Collections.Generic;
using System.Linq;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class NativeHeapCases
{
    private static readonly string[] HolderWays =
        ["malloc", "calloc", "realloc-moved", "posix-memalign", "aligned-alloc", "memalign", "new", "mmap-sized", "thread-arena"];

    /// <summary>(scenario, kind the bug must produce, another kind it may produce instead).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (string way in HolderWays)
        {
            // moved by the compaction: dangling (nothing there now) or unpinned (another object slid in)
            yield return Case("heap-kept-" + way, FindingKinds.DanglingManagedPointer, FindingKinds.UnpinnedManagedPointer);
        }

        yield return Case("heap-nativememory", FindingKinds.DanglingManagedPointer, FindingKinds.UnpinnedManagedPointer);
        yield return Case("heap-callback", FindingKinds.CollectedDelegateCallback);
    }

    private static TestCaseData Case(string scenario, string kind, string? alsoAllowed = null) =>
        new TestCaseData(scenario, kind, alsoAllowed).SetArgDisplayNames(scenario);

    [TestCaseSource(nameof(Cases))]
    public void Detects_InLibraryHeap(string scenario, string kind, string? alsoAllowed)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true);
        string[] kinds = [kind, alsoAllowed ?? kind];
        Assert.That(result.Findings.Select(f => f.Kind), Has.Some.AnyOf(kinds), SweepRun.Describe(result));
        Assert.That(result.Findings.Select(f => f.Kind), Is.All.AnyOf(kinds), SweepRun.Describe(result));
        Finding f = result.Findings.First(f => f.Holder == "native-heap");
        Assert.That(f.HolderSize, Is.GreaterThan(0UL), SweepRun.Describe(result));
        if (scenario == "heap-nativememory")
        {
            // libSystem.Native's SystemNative_Malloc tail-calls malloc: the caller is the P/Invoke in CoreLib
            Assert.That(f.Library, Does.EndWith("System.Private.CoreLib.dll").Or.EndWith("libSystem.Native.so"), SweepRun.Describe(result));
            Assert.That(FindingEvidence.Of(f), Does.Contain("managed code").Or.Contain("libSystem.Native"), SweepRun.Describe(result));
        }
        else
        {
            Assert.That(f.Library, Does.EndWith("libigheapholder.so"), SweepRun.Describe(result));
            Assert.That(f.HolderSite?.Function, Does.Contain("libigheapholder.so+0x"), SweepRun.Describe(result));
        }

        Assert.That(result.NativeHeapBlocks, Is.GreaterThan(0), SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Allows_PinnedOrAlive(string scenario, string kind, string? alsoAllowed)
    {
        SweepResult result = SweepRun.Once(scenario, bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_IsOff_WithNativeHeapOff(string scenario, string kind, string? alsoAllowed)
    {
        SweepResult result = SweepRun.Once(scenario, bug: true, "native_heap=0");
        Assert.That(result.Findings.Where(f => f.Holder == "native-heap"), Is.Empty, SweepRun.Describe(result));
        Assert.That(result.NativeHeapBlocks, Is.EqualTo(0));
    }

    [TestCaseSource(nameof(Cases))]
    public void Detects_IsOff_WithDetectOption(string scenario, string kind, string? alsoAllowed)
    {
        string off = FindingKinds.OptionName(kind) + "=0" + (alsoAllowed is null ? "" : ":" + FindingKinds.OptionName(alsoAllowed) + "=0");
        SweepResult result = SweepRun.Once(scenario, bug: true, off);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }
}
