// SoakTests.cs: the stress test: a correct program under load (ConsumerApp/Soak.cs) runs in mode 1 and in mode 2 with
// only the package reference; zero reports and zero checksum mismatches. Length: INTEROPGUARD_SOAK_SECONDS (default 20 s each).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

[TestFixture]
[NonParallelizable]
public sealed class SoakTests
{
    [Test]
    public void Allows_CorrectProgramUnderLoad_Mode1() => Soak("1", "");

    // Timer sweeps every 100 ms: a 20 s run is ~200 sweeps against 8 busy threads.
    [Test]
    public void Allows_CorrectProgramUnderLoad_Mode2() => Soak("2", "validator_interval_ms=100");

    private static void Soak(string mode, string options)
    {
        double seconds = SoakApp.Seconds;
        var environment = new Dictionary<string, string?> { ["INTEROPGUARD"] = mode, ["INTEROPGUARD_OPTIONS"] = options };

        (int exit, string output) = SoakApp.Build.RunApp("Debug", environment, _ => { }, SoakApp.Timeout(seconds),
            seconds.ToString(CultureInfo.InvariantCulture));

        TestContext.Out.WriteLine($"mode {mode}, {seconds} s: {SoakApp.Summary(output)}; {Regex.Match(output, "longest stall .*").Value}");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("soak: data intact"), output);
        Assert.That(output, Does.Match(@"soak: 8 threads, [1-9]\d* rounds, \d+ forced GCs, 0 checksum mismatches"), output);
        Assert.That(ReportedKinds(output), Is.Empty, $"a correct program got reports in mode {mode}: {SoakApp.Summary(output)}\n{output}");
        Assert.That(output, Does.Contain(" 0 reports"), output);
    }

    /// <summary>"kind: count" for every report kind in the output.</summary>
    private static List<string> ReportedKinds(string output) =>
        [.. Regex.Matches(output, @"ERROR: InteropGuard: (\S+)").GroupBy(m => m.Groups[1].Value).Select(g => $"{g.Key}: {g.Count()}")];
}
