// ScenarioArrayTests.cs - the programs tests run (scenarios, validator targets, probes, package test apps, the demo) keep
// no array made by `new` in a static readonly field: the JIT may allocate it on a frozen segment, where it never moves
// and nothing needs pinning, so a test of an unpinned or moving array would test nothing. A test that wants a frozen
// array says so: "frozen" in a comment within the four lines above the declaration.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Architecture;

public sealed class ScenarioArrayTests
{
    private static string Repository => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Here.File())!, "..", "..", ".."));

    // `static readonly T[] name = new T[n]` (or `new T[] {…}`, `new[] {…}`), across line breaks: a static constructor that
    // does only this publishes the array through the JIT's frozen-allocation helper (measured: GC.GetGeneration then says
    // int.MaxValue, the frozen heap's answer). Arrays made in a method, or stored in a field that is not readonly, are on
    // the GC heap.
    private static readonly Regex StaticReadonlyNewArray = new(
        @"\bstatic\s+readonly\s+[\w.<>?, ]+\[\]\??\s+\w+\s*=\s*new\b[^;]*?\[", RegexOptions.Singleline);

    private static IEnumerable<string> Programs() =>
        new[] { "tests", "src/InteropGuard.Demo", "samples" }
            .Select(d => Path.Combine(Repository, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFullPath(f) != Path.GetFullPath(Here.File())); // this file spells the pattern out

    [Test]
    public void NoTestProgram_KeepsANewArrayInAStaticReadonlyField()
    {
        var found = new List<string>();
        foreach (string file in Programs())
        {
            string text = File.ReadAllText(file);
            string[] lines = text.Split('\n');
            foreach (Match m in StaticReadonlyNewArray.Matches(text))
            {
                int line = text.AsSpan(0, m.Index).Count('\n') + 1;
                if (lines[Math.Max(0, line - 5)..(line - 1)].Any(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && l.Contains("frozen", StringComparison.OrdinalIgnoreCase)))
                {
                    continue; // wanted on a frozen segment, and said so
                }

                found.Add($"{Path.GetRelativePath(Repository, file)}:{line}: {m.Value.Split('\n')[0].Trim()}");
            }
        }

        Assert.That(Programs().Count(), Is.GreaterThan(100), "the test programs were not found under " + Repository);
        Assert.That(found, Is.Empty, "allocate the array in a method (Main, the scenario) or use GC.AllocateArray(n, pinned: true) when it must not move");
    }

    [Test]
    public void ThePattern_FindsTheFormsThatLandOnAFrozenSegment()
    {
        string[] frozen =
        [
            "private static readonly byte[] s_rows = new byte[64];",
            "internal static readonly int[] Rows =\n        new int[16];",
            "static readonly byte[] X = new byte[] { 1, 2 };",
        ];
        string[] moving =
        [
            "private static byte[] s_rows = new byte[64];",
            "private static readonly byte[] s_rows = GC.AllocateArray<byte>(64, pinned: true);",
            "private static readonly List<byte[]> s_all = new();",
            "private readonly byte[] _rows = new byte[64];",
        ];
        Assert.That(frozen.Where(s => !StaticReadonlyNewArray.IsMatch(s)), Is.Empty);
        Assert.That(moving.Where(s => StaticReadonlyNewArray.IsMatch(s)), Is.Empty);
    }
}
