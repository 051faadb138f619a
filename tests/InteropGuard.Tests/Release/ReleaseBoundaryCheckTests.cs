// ReleaseBoundaryCheckTests.cs - release mode's boundary check (GuardedCall.CheckPointer against the released-range
// filter, then the table on a hit), in child processes with INTEROPGUARD=release: each release (pin, sampled native
// buffer, pooled array, mapped view, callback) is found at the next call, the nearest correct code is silent, the detection is
// silent with its check off, a reused page is silent, and an unsampled freed buffer is not tracked (documented limit).
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

public sealed class ReleaseBoundaryCheckTests
{
    private const string Sampled = "sample_rate=1";

    private static void AssertOneReport(ChildResult result, string kind, string id, string method, string siteText)
    {
        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match($"^ERROR: InteropGuard: {kind} on address 0x[0-9a-f]+ \\[{id}\\]$"), result.ToString());
        int line = ReleaseRun.LineIn($"private static void {method}()", siteText);
        Assert.That(reports[0].Lines, Does.Contain($"  #0 [P/Invoke] TestNative.Sum(nint p, nuint n)"), result.ToString());
        Assert.That(reports[0].Summary, Does.Match($"^SUMMARY: InteropGuard: {kind} ReleaseModeScenarios\\.cs:{line} in ReleaseModeScenarios\\.{method}$"), result.ToString());
        Assert.That(reports[0].Hints, Has.Some.StartsWith("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_"), result.ToString());
    }

    private static void AssertSilent(ChildResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
        Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
    }

    // --- use-after-unpin ---------------------------------------------------------------------------------

    [Test]
    public void Detects_UseAfterUnpin_PointerIntoDisposedPin()
    {
        ChildResult result = ReleaseRun.Run("release_use_after_unpin");

        AssertOneReport(result, "use-after-unpin", "IG0005", "UseAfterUnpin", "CheckedSum(p + 64");
        Assert.That(result.Stderr, Does.Contain("points 64 bytes into a 100000-byte pinned managed range"), result.ToString());
    }

    [Test]
    public void Detects_UseAfterUnpin_CheckOff_IsSilent()
    {
        AssertSilent(ReleaseRun.Run("release_use_after_unpin", "detect_use_after_unpin=0"));
    }

    [Test]
    public void RepeatedCheck_IsSkippedInReleaseMode_TheNextFullCheckFindsTheRelease()
    {
        ChildResult result = ReleaseRun.Run("release_repeated_after_unpin");

        Assert.That(result.Stdout, Does.Contain("repeated check passed"), "release mode compiles the repeated check to nothing\n" + result);
        AssertOneReport(result, "use-after-unpin", "IG0005", "RepeatedAfterUnpin", "CheckedSum(p, 32");
    }

    [Test]
    public void RepeatedCheck_RunsInFullInMode1()
    {
        ChildResult result = Scenario.Run("release_repeated_after_unpin", new System.Collections.Generic.Dictionary<string, string?> { ["INTEROPGUARD"] = "1" });

        Assert.That(result.Stdout, Does.Not.Contain("repeated check passed"), result.ToString());
        AssertOneReport(result, "use-after-unpin", "IG0005", "RepeatedAfterUnpin", "GuardedCall.CheckRepeatedPointer(p");
    }

    [Test]
    public void RepeatedCheck_Mode1_CheckOff_IsSilent()
    {
        ChildResult result = Scenario.Run("release_repeated_after_unpin", new System.Collections.Generic.Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = "1",
            ["INTEROPGUARD_OPTIONS"] = "detect_use_after_unpin=0",
        });

        Assert.That(result.Stdout, Does.Contain("repeated check passed"), result.ToString());
        AssertSilent(result);
    }

    [Test]
    public void Allows_PointerIntoLivePin()
    {
        AssertSilent(ReleaseRun.Run("release_use_after_unpin_ok"));
    }

    [Test]
    public void Allows_PageReleasedThenPinnedAgain_FilterHitButTableSaysLive()
    {
        ChildResult result = ReleaseRun.Run("release_repinned_page_ok");

        Assert.That(result.Stdout, Does.Contain("same address=True"), "the second pin covers the released pages\n" + result);
        AssertSilent(result);
    }

    // --- native-use-after-free of a sampled NativeBuffer ---------------------------------------------------

    [Test]
    public void Detects_NativeUseAfterFree_FreedSampledBuffer()
    {
        ChildResult result = ReleaseRun.Run("release_native_use_after_free", Sampled);

        Assert.That(result.Stdout, Does.Contain("sampled=True"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("check passed"), result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \\[IG0001\\]$"), result.ToString());
        Assert.That(result.Stderr, Does.Match("points 8 bytes into a 64-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\) that was freed"), result.ToString());
        int check = ReleaseRun.LineIn("private static void NativeUseAfterFree()", "GuardedCall.CheckPointer(p + 8");
        int free = ReleaseRun.LineIn("private static void NativeUseAfterFree()", "buffer.Release()");
        int alloc = ReleaseRun.LineIn("private static void NativeUseAfterFree()", "NativeBuffer.Allocate(64)");
        Assert.That(reports[0].After("Buffer freed by:"), Does.Contain($"ReleaseModeScenarios.cs:{free}"), result.ToString());
        Assert.That(reports[0].After("Buffer allocated by:"), Does.Contain($"ReleaseModeScenarios.cs:{alloc}"), result.ToString());
        Assert.That(reports[0].Summary, Does.EndWith($"ReleaseModeScenarios.cs:{check} in ReleaseModeScenarios.NativeUseAfterFree"), result.ToString());
    }

    [Test]
    public void Detects_NativeUseAfterFree_CheckOff_IsSilent()
    {
        ChildResult result = ReleaseRun.Run("release_native_use_after_free", Sampled + ":detect_native_use_after_free=0");

        Assert.That(result.Stdout, Does.Contain("check passed"), result.ToString());
        AssertSilent(result);
    }

    [Test]
    public void Allows_SampledBufferUsedBeforeRelease()
    {
        ChildResult result = ReleaseRun.Run("release_native_use_after_free_ok", Sampled);

        Assert.That(result.Stdout, Does.Contain("sampled=True"), result.ToString());
        AssertSilent(result);
    }

    [TestCase(null)]
    [TestCase("sample_rate=0")]
    public void Limit_FreedUnsampledBuffer_IsNotTracked(string? options)
    {
        // Documented limit of release mode: an unsampled block is a plain malloc block, freed with free() and unknown to
        // the table, so its use after free passes the check. Modes 1 and 2 (and sampled blocks) catch it.
        ChildResult result = ReleaseRun.Run("release_unsampled_use_after_free", options);

        Assert.That(result.Stdout, Does.Contain("sampled=False"), result.ToString());
        Assert.That(result.Stdout, Does.Contain("check passed"), result.ToString());
        AssertSilent(result);
    }

    [Test]
    public void Allows_FreedSlotReusedAtTheSameAddress_FilterHitButTableSaysLive()
    {
        ChildResult result = ReleaseRun.Run("release_reused_slot_ok", Sampled + ":guarded_pool_pages=1:guarded_quarantine=0");

        Assert.That(result.Stdout, Does.Contain("sampled=True same address=True"), "the new buffer took the freed slot\n" + result);
        AssertSilent(result);
    }

    // --- array-pool-use-after-return ---------------------------------------------------------------------

    [Test]
    public void Detects_ArrayPoolUseAfterReturn_PointerIntoReturnedArray()
    {
        ChildResult result = ReleaseRun.Run("release_pool_use_after_return");

        AssertOneReport(result, "array-pool-use-after-return", "IG0010", "PoolUseAfterReturn", "CheckedSum(TestNative.KeptPointer()");
        Assert.That(result.Stderr, Does.Contain("that was returned to the pool"), result.ToString());
    }

    [Test]
    public void Detects_ArrayPoolUseAfterReturn_CheckOff_IsSilent()
    {
        AssertSilent(ReleaseRun.Run("release_pool_use_after_return", "detect_array_pool_use_after_return=0"));
    }

    [Test]
    public void Allows_PooledArrayUsedBeforeReturn()
    {
        AssertSilent(ReleaseRun.Run("release_pool_use_after_return_ok"));
    }

    // --- use-after-unmap ---------------------------------------------------------------------------------

    [Test]
    public void Detects_UseAfterUnmap_PointerIntoDisposedView()
    {
        ChildResult result = ReleaseRun.Run("release_use_after_unmap");

        AssertOneReport(result, "use-after-unmap", "IG0012", "UseAfterUnmap", "CheckedSum(TestNative.KeptPointer()");
        Assert.That(result.Stderr, Does.Contain("4096-byte mapped view"), result.ToString());
    }

    [Test]
    public void Detects_UseAfterUnmap_CheckOff_IsSilent()
    {
        AssertSilent(ReleaseRun.Run("release_use_after_unmap", "detect_use_after_unmap=0"));
    }

    [Test]
    public void Allows_PointerIntoLiveView()
    {
        AssertSilent(ReleaseRun.Run("release_use_after_unmap_ok"));
    }

    // --- collected-delegate-callback (a released GuardedCallback) ------------------------------------------

    [Test]
    public void Detects_CollectedDelegateCallback_ReleasedCallbacksPointer()
    {
        ChildResult result = ReleaseRun.Run("release_callback_after_release");

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("check passed"), result.ToString());
        var reports = ReportText.Parse(result.Stderr);
        Assert.That(reports, Has.Count.EqualTo(1), result.ToString());
        Assert.That(reports[0].Headline, Does.Match("^ERROR: InteropGuard: collected-delegate-callback on address 0x[0-9a-f]+ \\[IG0008\\]$"), result.ToString());
        int line = ReleaseRun.LineIn("private static void CallbackAfterRelease()", "GuardedCall.CheckPointer(entry");
        Assert.That(reports[0].Summary, Does.EndWith($"ReleaseModeScenarios.cs:{line} in ReleaseModeScenarios.CallbackAfterRelease"), result.ToString());
    }

    [Test]
    public void Detects_CollectedDelegateCallback_CheckOff_IsSilent()
    {
        ChildResult result = ReleaseRun.Run("release_callback_after_release", "detect_collected_delegate_callback=0");

        Assert.That(result.Stdout, Does.Contain("check passed"), result.ToString());
        AssertSilent(result);
    }

    [Test]
    public void Allows_LiveCallbacksPointer()
    {
        ChildResult result = ReleaseRun.Run("release_callback_after_release_ok");

        Assert.That(result.Stdout, Does.Contain("check passed"), result.ToString());
        AssertSilent(result);
    }
}
