// SuppressionFileTests.cs - the suppressions file is bounded: devices, FIFOs and directories are refused without being
// read, files over 1 MiB are refused, over-long lines ignored, bad lines listed at most five at a time with escaped
// excerpts; the program's report goes on either way. Child processes, plus an in-process fuzz of random files.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using InteropGuard.Reporting;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class SuppressionFileTests
{
    private const string Suppressing = "native-use-after-free:NativeUseAfterFree\n";

    [TestCase("/dev/zero", "a character device")]
    [TestCase("/dev/urandom", "a character device")]
    [TestCase("/tmp", "a directory")]
    public void Refuses_NonRegularFile_OneWarning_ReportStillPrinted(string path, string what)
    {
        ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + path);

        AssertReportedWithOneWarning(result, $"suppressions file '{path}': it is {what}, not a regular file; it is not read");
    }

    [Test]
    public void Refuses_Fifo_WithoutBlocking()
    {
        string dir = Directory.CreateTempSubdirectory("ig-fifo-").FullName;
        string fifo = Path.Combine(dir, "suppressions");
        try
        {
            using (Process mkfifo = Process.Start("mkfifo", fifo)!)
            {
                mkfifo.WaitForExit();
                Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
            }

            ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + fifo);

            AssertReportedWithOneWarning(result, "it is a FIFO (named pipe), not a regular file; it is not read");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Refuses_FileOverTheSizeLimit_EvenWithAMatchingLine()
    {
        WithFile(Suppressing + Comments(1 << 20), file =>
        {
            ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + file);

            AssertReportedWithOneWarning(result, "it is larger than 1024 KiB (the limit); it is not read");
        });
    }

    [Test]
    public void Allows_FileAtTheSizeLimit_ItsRuleSuppresses()
    {
        WithFile(Suppressing + Comments((1 << 20) - Suppressing.Length), file =>
        {
            Assert.That(new FileInfo(file).Length, Is.EqualTo(1 << 20));
            ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + file);

            Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
            Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, result.ToString());
            Assert.That(result.Stderr, Does.Not.Contain("warning"), result.ToString());
        });
    }

    [Test]
    public void Ignores_OverLongLine_TheOtherLinesStillApply()
    {
        WithFile("native-use-after-free:" + new string('x', 5000) + "\n" + Suppressing, file =>
        {
            ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + file);

            Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitCompleted), result.ToString());
            Assert.That(ReportText.CountHeadlines(result.Stderr), Is.Zero, "line 2 still suppresses\n" + result);
            Assert.That(result.Stderr, Does.Contain("line 1 is longer than 4096 characters (the limit); it is ignored: 'native-use-after-free:xxx"), result.ToString());
            Assert.That(result.Stderr.Length, Is.LessThan(1000), "the warning quotes a short excerpt\n" + result);
        });
    }

    [Test]
    public void Lists_FiveBadLines_Escaped_AndCountsTheRest()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            text.Append("garbage\u0001\u001b[31m line ").Append(i).Append('\n');
        }

        WithFile(text.ToString(), file =>
        {
            ChildResult result = Scenario.RunWithOptions("native_use_after_free", "suppressions=" + file);

            AssertReportedWithOneWarning(result, "line 1: 'garbage\\x01\\x1b[31m line 0' is not kind:pattern");
            Assert.That(result.Stderr, Does.Contain("line 5: "), result.ToString());
            Assert.That(result.Stderr, Does.Not.Contain("line 6: "), result.ToString());
            Assert.That(result.Stderr, Does.Contain("and 95 more bad lines"), result.ToString());
            Assert.That(result.Stderr.Contains('\u0001', StringComparison.Ordinal), Is.False, "no raw control characters\n" + result);
            Assert.That(result.Stderr.Contains('\u001b', StringComparison.Ordinal), Is.False, "no raw control characters\n" + result);
        });
    }

    // The suppression-file half of the option fuzz: random bytes, random text with colons and kinds, long and empty
    // lines. Every load returns (no exception, no hang), with at most six problems of bounded length and no control characters.
    [Test]
    public void Fuzz_RandomFiles_LoadReturnsBoundedProblems()
    {
        var rng = new Random(18);
        string[] kinds = ["native-use-after-free", "*", "double-free", "nope", "", ":"];
        string file = Path.GetTempFileName();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                byte[] content = (i % 3) switch
                {
                    0 => RandomBytes(rng, rng.Next(0, 20000)),
                    1 => Encoding.UTF8.GetBytes(RandomRules(rng, kinds)),
                    _ => Encoding.UTF8.GetBytes(new string((char)rng.Next(1, 0x800), rng.Next(0, 9000)) + "\n" + RandomRules(rng, kinds)),
                };
                File.WriteAllBytes(file, content);
                var problems = new List<string>();

                Suppressions rules = Suppressions.Load(file, problems);

                Assert.That(rules, Is.Not.Null);
                Assert.That(problems, Has.Count.LessThanOrEqualTo(Suppressions.MaxProblemsListed + 1), $"case {i}");
                foreach (string problem in problems)
                {
                    Assert.That(problem.Length, Is.LessThan(300), $"case {i}: {problem}"); // a 40-byte excerpt, each byte at most \xNN
                    Assert.That(problem.Any(char.IsControl), Is.False, $"case {i}: {problem}");
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Exactly <paramref name="bytes"/> bytes of 100-character comment lines.</summary>
    private static string Comments(int bytes)
    {
        var b = new StringBuilder(bytes);
        while (b.Length < bytes)
        {
            int line = Math.Min(100, bytes - b.Length);
            b.Append('#', line - 1).Append('\n');
        }

        return b.ToString();
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static string RandomRules(Random rng, string[] kinds)
    {
        var b = new StringBuilder();
        int lines = rng.Next(0, 50);
        for (int i = 0; i < lines; i++)
        {
            b.Append(kinds[rng.Next(kinds.Length)]).Append(rng.Next(2) == 0 ? ":" : "");
            int chars = rng.Next(0, 40);
            for (int c = 0; c < chars; c++)
            {
                b.Append((char)rng.Next(1, 128));
            }

            b.Append('\n');
        }

        return b.ToString();
    }

    private static void AssertReportedWithOneWarning(ChildResult result, string warning)
    {
        Assert.That(result.ExitCode, Is.EqualTo(Scenario.ExitViolation), "the report is not suppressed\n" + result);
        Assert.That(result.Stderr, Does.Contain("ERROR: InteropGuard: native-use-after-free"), result.ToString());
        Assert.That(result.Stderr, Does.Contain(warning), result.ToString());
        Assert.That(Regex.Matches(result.Stderr, "suppressions file").Count, Is.EqualTo(1), "one warning\n" + result);
    }

    private static void WithFile(string content, Action<string> test)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            test(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
