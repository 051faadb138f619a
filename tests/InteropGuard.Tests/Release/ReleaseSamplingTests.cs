// ReleaseSamplingTests.cs - which managed allocations release mode samples into the guarded pool (ReleaseSampler):
// per thread the first and then every sample_rate-th of GuardedNativeMemory.Alloc/AllocZeroed and NativeBuffer.Allocate,
// none with sample_rate=0 and never an alignment above 16; sampled and plain blocks alike are usable, zeroed when asked, and freed without a report.
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

public sealed class ReleaseSamplingTests
{
    [TestCase("sample_rate=3", "main=SppSppSppS thread=SppS")]
    [TestCase("sample_rate=1", "main=SSSSSSSSSS thread=SSSS")]
    [TestCase(null, "main=Sppppppppp thread=Sppp")] // the default, 1 in 20000
    [TestCase("sample_rate=0", "main=pppppppppp thread=pppp")]
    public void Samples_TheFirstAllocationOfEachThread_ThenEveryNth(string? options, string pattern)
    {
        ChildResult result = ReleaseRun.Run("release_sampling_pattern", options);

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain(pattern), result.ToString()); // a '!' after a letter: AllocZeroed was not zero
        Assert.That(result.Stdout, Does.Contain("aligned64=True alignedSampled=False"), result.ToString()); // NativeMemory.AlignedAlloc, freed by Dispose
        Assert.That(result.Stdout, Does.Contain("freed"), result.ToString());
        Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
    }
}
