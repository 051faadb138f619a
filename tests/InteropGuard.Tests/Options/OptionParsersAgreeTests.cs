// OptionParsersAgreeTests.cs - the option fuzz: a few hundred random INTEROPGUARD_OPTIONS strings through the managed
// parser (no exception, no hang, bounded warnings) and through the C parser (options_dump of the native build), which
// must give the same warnings and the same value of every numeric option for each string.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using InteropGuard.Options;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class OptionParsersAgreeTests
{
    private const int Count = 400;

    private static readonly string[] Values =
    [
        "", "0", "1", "2", "true", "false", "TRUE", "yes", "text", "json", "sarif", "JSON", "-1", "+1", " 1", "1 ", "0x10",
        "00016", "99999999999999999999", "9223372036854775807", "9223372036854775808", "2147483648", "2147483647", "é",
        "\u001b[2J", "\r\n", "'", "\\", "\u007f", "%p", "/tmp/r.%p.json", "a=b", "\t",
    ];

    /// <summary>Random strings from a fixed seed. Most items are a table key with a value near its bounds (min, max, one
    /// past them, a power of two) or from a pool of near misses; the rest mutate the key (case, spaces), drop or double
    /// the '=', or are random characters (control, non-ASCII) and long runs up to a few KB.</summary>
    private static List<string> Corpus()
    {
        var random = new Random(20261206);
        OptionDefinition[] table = OptionTable.All;
        var corpus = new List<string> { "", ":", "max_redzone=16:redzone=2048", "redzone=32:max_redzone=16" };
        while (corpus.Count < Count)
        {
            var sb = new StringBuilder();
            for (int items = random.Next(7); items > 0; items--)
            {
                OptionDefinition d = table[random.Next(table.Length)];
                string key = random.Next(10) switch
                {
                    < 7 => d.Name,
                    7 => random.Next(2) == 0 ? d.Name.ToUpperInvariant() : " " + d.Name,
                    8 => Junk(random, 12),
                    _ => "",
                };
                string value = random.Next(4) switch
                {
                    0 => Values[random.Next(Values.Length)],
                    1 => Junk(random, random.Next(3) == 0 ? 600 : 20),
                    _ => NearMiss(random, d),
                };
                string eq = random.Next(20) switch { 0 => "", 1 => "==", _ => "=" };
                sb.Append(key).Append(eq).Append(value).Append(random.Next(8) == 0 ? "::" : ":");
            }

            corpus.Add(random.Next(5) == 0 ? sb + Junk(random, 40) : sb.ToString());
        }

        return corpus;
    }

    private static readonly string[] BoolValues = ["0", "1", "true", "false", "TRUE", "False", "yes", "01", "1 ", ""];
    private static readonly string[] FormatValues = ["text", "json", "sarif", "JSON", "Sarif", "xml", " json", "json\n"];

    /// <summary>A value the option's type accepts, or one that just misses it.</summary>
    private static string NearMiss(Random random, OptionDefinition d) => d.Type switch
    {
        OptionType.Bool => BoolValues[random.Next(BoolValues.Length)],
        OptionType.Format => FormatValues[random.Next(FormatValues.Length)],
        OptionType.Text => random.Next(3) switch
        {
            0 => "/" + new string('p', 250 + random.Next(10)),
            1 => "/tmp/a=b",
            _ => "/tmp/r" + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => Bound(random, d).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static long Bound(Random random, OptionDefinition d) => random.Next(6) switch
    {
        0 => d.Min,
        1 => d.Max,
        2 => d.Max + 1,
        3 => d.Min - 1 < 0 ? 0 : d.Min - 1,
        4 => 1L << random.Next(32),
        _ => d.Min + (long)(random.NextDouble() * Math.Min(d.Max - d.Min, int.MaxValue)),
    };

    /// <summary>Up to <paramref name="max"/> characters: control, ASCII (':' and '=' included), Latin-1 and Latin Extended.</summary>
    private static string Junk(Random random, int max)
    {
        var sb = new StringBuilder();
        for (int i = random.Next(max); i > 0; i--)
        {
            sb.Append((char)random.Next(1, 0x250));
        }

        return sb.ToString();
    }

    [Test]
    public void ManagedParser_NeverThrowsOrFloods()
    {
        var failures = new List<string>();
        foreach (string text in Corpus())
        {
            var warnings = new StringWriter();
            GuardOptions o = GuardOptions.Parse(text, warnings);
            string[] lines = warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            int items = text.Count(c => c == ':') + 1;
            if (lines.Length > items + 1 || lines.Any(l => l.Length > 1200 || l.Any(c => c < ' ')) || o.MaxRedzone < o.Redzone)
            {
                failures.Add(Escape(text));
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void NativeAndManagedParsers_GiveTheSameVerdicts()
    {
        string dump = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Here.File())!, "..", "..", "..", "build", "native", "tests", "options_dump"));
        Assert.That(File.Exists(dump), Is.True, dump + " is built by `dotnet cake --target=Build` (the native tests)");
        string[] numeric = OptionTable.All.Where(d => d.Type != OptionType.Text).Select(d => d.Name).ToArray();
        List<string> corpus = Corpus();

        var info = new ProcessStartInfo(dump) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string name in numeric)
        {
            info.ArgumentList.Add(name);
        }

        info.Environment.Remove("INTEROPGUARD_OPTIONS");
        using Process process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        foreach (string text in corpus)
        {
            process.StandardInput.WriteLine(Convert.ToHexString(Encoding.UTF8.GetBytes(text)).ToLowerInvariant());
        }

        process.StandardInput.Close();
        Assert.That(process.WaitForExit(120_000), Is.True, "options_dump did not finish");
        process.WaitForExit();
        string[] blocks = output.ToString().Split('\u0001', StringSplitOptions.RemoveEmptyEntries); // options_dump's block marker
        Assert.That(blocks, Has.Length.EqualTo(corpus.Count), "one block per string");

        var differences = new List<string>();
        for (int i = 0; i < corpus.Count; i++)
        {
            string native = string.Join("\n", blocks[i].Split('\n').Skip(1).Where(l => l.Length > 0))
                .Replace("InteropGuard: WARNING: ", "warning: ", StringComparison.Ordinal);
            string managed = Managed(corpus[i], numeric);
            if (native != managed)
            {
                differences.Add($"'{Escape(corpus[i])}':\n  C:  {native.Replace("\n", "\n      ", StringComparison.Ordinal)}\n  C#: {managed.Replace("\n", "\n      ", StringComparison.Ordinal)}");
            }
        }

        Assert.That(differences, Is.Empty, $"{differences.Count} of {corpus.Count} differ:\n" + string.Join("\n", differences.Take(5)));
    }

    private static string Managed(string text, string[] numeric)
    {
        var warnings = new StringWriter();
        GuardOptions o = GuardOptions.Parse(text, warnings);
        var lines = warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Replace("InteropGuard: warning: ", "warning: ", StringComparison.Ordinal)).ToList();
        foreach (string name in numeric)
        {
            OptionDefinition d = OptionTable.All[OptionTable.IndexOf(name)];
            string value = o.Get(name)!;
            lines.Add(name + "=" + (d.Type == OptionType.Format ? Array.IndexOf(new[] { "text", "json", "sarif" }, value).ToString(System.Globalization.CultureInfo.InvariantCulture) : value));
        }

        return string.Join("\n", lines);
    }

    private static string Escape(string text) =>
        string.Concat(text.Take(300).Select(c => c < ' ' || c == '\u007f' ? $"\\x{(int)c:x2}" : c.ToString()));
}
