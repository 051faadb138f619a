// HeapReuseCases.cs: memory a freed shadow block or an unmapped view covered can be a native library's own heap block now, so a library heap's word is not taken for a freed block, nor a word inside a live tracked block for a dead range; a released pin, or a dead range with nothing live over it, is still reported.
using System.Linq;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HeapReuseCases
{
    [Test]
    public void Allows_LibraryHeapWord_IntoMemoryAFreedShadowBlockCovered()
    {
        SweepResult result = SweepRun.Once("heap-freed-block", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
        Assert.That(result.NativeHeapBlocks, Is.GreaterThan(0), "the library's block was scanned");
    }

    [Test]
    public void Detects_TheSameWord_InALibraryDataSegment()
    {
        SweepResult result = SweepRun.Once("heap-freed-block", bug: true);
        Assert.That(result.Findings.Select(f => (f.Kind, f.Holder)), Is.EqualTo(new[] { (FindingKinds.NativeUseAfterFree, "library-data") }), SweepRun.Describe(result));

        SweepResult off = SweepRun.Once("heap-freed-block", bug: true, "detect_native_use_after_free=0");
        Assert.That(off.Findings, Is.Empty, SweepRun.Describe(off));
    }

    [Test]
    public void Allows_WordInsideALiveLibraryBlock_WhereAViewWasUnmapped()
    {
        SweepResult result = SweepRun.Once("heap-view-reused", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
        Assert.That(result.NativeHeapBlocks, Is.GreaterThan(0), "the library's block is tracked");
    }

    [Test]
    public void Detects_TheSameWord_OnceTheLibraryFreedItsBlockToo()
    {
        SweepResult result = SweepRun.Once("heap-view-reused", bug: true);
        Assert.That(result.Findings.Select(f => (f.Kind, f.Holder)), Is.EqualTo(new[] { (FindingKinds.UseAfterUnmap, "library-data") }), SweepRun.Describe(result));

        SweepResult off = SweepRun.Once("heap-view-reused", bug: true, "detect_use_after_unmap=0");
        Assert.That(off.Findings, Is.Empty, SweepRun.Describe(off));
    }

    [Test]
    public void Detects_ReleasedPin_FromALibraryHeap()
    {
        SweepResult result = SweepRun.Once("heap-released-pin", bug: true);
        Assert.That(result.Findings.Select(f => (f.Kind, f.Holder)), Is.EqualTo(new[] { (FindingKinds.UseAfterUnpin, "native-heap") }), SweepRun.Describe(result));

        SweepResult off = SweepRun.Once("heap-released-pin", bug: true, "detect_use_after_unpin=0");
        Assert.That(off.Findings, Is.Empty, SweepRun.Describe(off));
    }

    [Test]
    public void Allows_LivePin_FromALibraryHeap()
    {
        SweepResult result = SweepRun.Once("heap-released-pin", bug: false);
        Assert.That(result.Findings, Is.Empty, SweepRun.Describe(result));
    }
}
