// OptionTablesAgreeTests.cs - the contracts declared once in the native tables reach every other copy: the option table
// of docs/design/options.md is the generated OptionTable row for row, every kind has its doc page and its detect_ option
// (OptionParsersAgreeTests compares the generated table with what the compiled C library parses).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using InteropGuard.Options;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class OptionTablesAgreeTests
{
    private static string Repo => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Here.File())!, "..", "..", ".."));

    /// <summary>The row options.md shows for an option: name, default, description (the ig_options.inc text).</summary>
    private static string DocRow(OptionDefinition d)
    {
        string shown = d.Type == OptionType.Text ? "(empty)" : d.Default;
        return $"| `{d.Name}` | {shown} | {d.Description} |";
    }

    [Test]
    public void OptionsDoc_TableIsTheOptionTable()
    {
        string[] doc = File.ReadAllLines(Path.Combine(Repo, "docs", "design", "options.md"));
        int header = Array.FindIndex(doc, l => l.StartsWith("| name | default |", StringComparison.Ordinal));
        Assert.That(header, Is.GreaterThanOrEqualTo(0), "options.md has no '| name | default |' table");
        string[] rows = doc.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToArray();
        string[] expected = OptionTable.All.Select(DocRow).ToArray();

        Assert.That(rows, Is.EqualTo(expected),
            "docs/design/options.md's table must be native/src/ig_options.inc's rows; the table as it should read:\n" + string.Join("\n", expected));
    }

    [Test]
    public void EveryKind_HasItsDocPage()
    {
        var missing = new List<string>();
        foreach (ViolationKind kind in Enum.GetValues<ViolationKind>().Where(k => k != ViolationKind.None))
        {
            string page = ViolationKinds.GetDocPage(kind);
            if (page != $"docs/checks/{ViolationKinds.GetName(kind)}.md" || !File.Exists(Path.Combine(Repo, page)))
            {
                missing.Add($"{kind}: '{page}'");
            }
        }

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void EveryKind_HasItsDetectOption_InKindOrder()
    {
        for (int k = 1; k < ViolationKinds.Count; k++)
        {
            Assert.That(OptionTable.All[OptionTable.FirstDetect + k - 1].Name, Is.EqualTo(ViolationKinds.GetOptionName((ViolationKind)k)));
        }

        Assert.That(OptionTable.All, Has.Length.EqualTo(OptionTable.FirstDetect + ViolationKinds.Count - 1), "the detect_ options end the table");
    }
}
