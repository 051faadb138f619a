// TableFullTests.cs - a shadow table at max_ranges: the program keeps running and its data intact, trackers go on
// untracked, and each kind of tracker warns once (RangeRegistration), besides the native library's own one warning.
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.ChildProcesses;

public sealed class TableFullTests
{
    [Test]
    public void FullTable_WarnsOncePerTracker_AndThePinsStillPin()
    {
        ChildResult result = Scenario.Run("table_full", new Dictionary<string, string?> { ["INTEROPGUARD_OPTIONS"] = "max_ranges=16" });

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        // 20 pins of arrays whose first byte is i: the untracked pins point at the right data (0 + 1 + ... + 19).
        Assert.That(result.Stdout, Does.Contain("table_full: 20 pins, 20 rents, sum 190; 20 buffers, 20 blocks, sum 190"), result.ToString());
        Assert.That(Count(result.Stderr, "new pins are not tracked"), Is.EqualTo(1), result.ToString());
        Assert.That(Count(result.Stderr, "new native buffers are not tracked"), Is.EqualTo(1), result.ToString());
        Assert.That(Count(result.Stderr, "new pooled arrays are not tracked"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("max_ranges=16"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("ERROR: InteropGuard"), result.ToString());
    }

    [Test]
    public void RoomyTable_SaysNothing()
    {
        ChildResult result = Scenario.Run("table_full", new Dictionary<string, string?>());

        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
        Assert.That(result.Stdout, Does.Contain("table_full: 20 pins, 20 rents, sum 190; 20 buffers, 20 blocks, sum 190"), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("not tracked"), result.ToString());
    }

    private static int Count(string text, string phrase) => Regex.Matches(text, Regex.Escape(phrase)).Count;
}
