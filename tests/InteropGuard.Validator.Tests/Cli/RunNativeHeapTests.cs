// RunNativeHeapTests.cs: `interopguard run` on a program whose native library keeps a managed pointer in a block it malloc'ed: the JSON report's holder is that library's heap block; correct twin silent; native_heap=0 leaves the heap unscanned.
using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Cli;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class RunNativeHeapTests() : ScratchDirectoryFixture("ig-cli-heap-")
{
    private CliResult Run(bool bug, string options, out string report)
    {
        report = Path.Combine(Dir, "report.json");
        return CliChild.Run(["run", "--report", "json", "--out", report, "--", "dotnet",
            Path.Combine(TargetChild.TargetsDirectory, "InteropGuard.ValidatorTargets.dll"), "heap-kept-calloc", bug ? "bug" : "ok"], options);
    }

    [Test]
    public void Detects_PointerInALibrarysCallocBlock_HolderIsTheLibrarysHeap()
    {
        CliResult result = Run(bug: true, "", out string report);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        string[] lines = File.ReadAllLines(report).Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        using JsonDocument doc = JsonDocument.Parse(lines[0]);
        JsonElement holder = doc.RootElement.GetProperty("holder");
        Assert.That(holder.GetProperty("kind").GetString(), Is.EqualTo("native-heap"), lines[0]);
        Assert.That(holder.GetProperty("library").GetString(), Does.EndWith("libigheapholder.so"), lines[0]);
        Assert.That(holder.GetProperty("size").GetInt64(), Is.EqualTo(256), lines[0]);
        Assert.That(result.Stderr, Does.Contain("-byte block of libigheapholder.so's heap"), result.ToString());
    }

    [Test]
    public void Allows_ThePinnedArray()
    {
        CliResult result = Run(bug: false, "", out string report);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.ReadAllText(report).Trim(), Is.Empty, result.ToString());
    }

    [Test]
    public void Detects_NothingInTheHeap_WithNativeHeapOff()
    {
        CliResult result = Run(bug: true, "native_heap=0", out string report);

        Assert.That(File.ReadAllText(report), Does.Not.Contain("native-heap"), result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }
}
