// OptionTablesAgreeTests.cs - the C option table (native/src/ig_options.inc) and the C# one (OptionTable) describe the
// same options: names, order of the detect_ block, defaults and bounds. A value one side accepts and the other rejects
// silently does different things on each side (max_ranges=8 was taken by C# and ignored by C).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class OptionTablesAgreeTests
{
    private sealed record NativeOption(string Name, string Type, string Default, long Min, long Max);

    private static readonly Regex Line = new(@"^IG_OPTION\((\w+),\s*(\w+),\s*(-?\d+),\s*(-?\d+),\s*(-?\d+),", RegexOptions.Compiled);

    private static List<NativeOption> NativeTable()
    {
        string repo = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Here.File())!, "..", "..", ".."));
        string file = Path.Combine(repo, "native", "src", "ig_options.inc");
        var options = new List<NativeOption>();
        foreach (string text in File.ReadLines(file))
        {
            Match m = Line.Match(text);
            if (m.Success)
            {
                options.Add(new NativeOption(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value,
                    long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture)));
            }
        }

        Assert.That(options, Is.Not.Empty, "no IG_OPTION lines read from " + file);
        return options;
    }

    [Test]
    public void SameNames_InTheSameOrder()
    {
        Assert.That(OptionTable.All.Select(o => o.Name), Is.EqualTo(NativeTable().Select(o => o.Name)));
    }

    [Test]
    public void SameDefaultsAndBounds_ForNumbers()
    {
        var managed = OptionTable.All.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (NativeOption n in NativeTable().Where(o => o.Type is "IG_OT_INT" or "IG_OT_POW2" or "IG_OT_BOOL"))
        {
            OptionDefinition m = managed[n.Name];
            (long min, long max) = m.Type == OptionType.Bool ? (0, 1) : (m.Min, m.Max);
            if (m.Default != n.Default || min != n.Min || max != n.Max)
            {
                differences.Add($"{n.Name}: C default {n.Default} [{n.Min}, {n.Max}], C# default {m.Default} [{min}, {max}]");
            }
        }

        Assert.That(differences, Is.Empty, string.Join("\n", differences));
    }
}
