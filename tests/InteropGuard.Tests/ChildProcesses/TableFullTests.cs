// TableFullTests.cs - a shadow table at max_ranges: the program keeps running and its data intact, trackers go on
// untracked, and each kind of tracker warns once (RangeRegistration), besides the native library's own one warning;
// explicit pins and rented pool arrays live in the thread's pin log and stay tracked until the log's slots are all live.
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
        // The pin log holds the 20 pins and 20 rents; of 300 live pins it holds 256, the full table takes at most 16 more.
        Assert.That(result.Stdout, Does.Contain("table_full: 20 of 20 pins tracked;"), result.ToString());
        Match live = Regex.Match(result.Stdout, @"(\d+) of 300 live pins tracked");
        Assert.That(live.Success, result.ToString());
        Assert.That(int.Parse(live.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(256, 272), result.ToString());
        Assert.That(Count(result.Stderr, "new pins are not tracked"), Is.EqualTo(1), result.ToString());
        Assert.That(Count(result.Stderr, "new native buffers are not tracked"), Is.EqualTo(1), result.ToString());
        Assert.That(Count(result.Stderr, "new pooled arrays are not tracked"), Is.EqualTo(0), result.ToString());
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
