// LayerTests.cs - the runtime's layers as docs/design/architecture.md draws them: namespaces follow folders, Native/
// names nothing above it, the user-facing API is in namespace InteropGuard, and only tests and benchmarks see internals.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Architecture;

public sealed class LayerTests
{
    private static string Runtime => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Here.File())!, "..", "..", "..", "src", "InteropGuard"));

    private static readonly Regex TopLevelType = new(
        @"^(?:(?:public|internal|file) )?(?:(?:static|sealed|abstract|readonly|unsafe|partial|ref)\s+)*(?:class|struct|enum|interface|record(?:\s+struct)?)\s+([A-Z][A-Za-z0-9_]*)",
        RegexOptions.Multiline);

    // String literals, comments: what names no type in code.
    private static readonly Regex NotCode = new(@"""(?:\\.|[^""\\])*""|//[^\n]*|/\*.*?\*/", RegexOptions.Singleline);

    /// <summary>The runtime's source files (not obj/, bin/, nor the MSBuild task under Contracts/), relative to its root.</summary>
    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(Runtime, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Runtime, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal)
                && !f.StartsWith("Contracts/", StringComparison.Ordinal));

    private static string Folder(string relative) => Path.GetDirectoryName(relative)!.Replace('\\', '/');

    [Test]
    public void EveryFile_IsInTheNamespaceOfItsFolder()
    {
        var wrong = new List<string>();
        foreach (string file in Sources())
        {
            string folder = Folder(file);
            string expected = folder.Length == 0 ? "InteropGuard" : "InteropGuard." + folder.Replace('/', '.');
            Match m = Regex.Match(File.ReadAllText(Path.Combine(Runtime, file)), @"^namespace ([A-Za-z0-9_.]+);", RegexOptions.Multiline);
            if (!m.Success || m.Groups[1].Value != expected)
            {
                wrong.Add($"{file}: namespace {(m.Success ? m.Groups[1].Value : "(none)")}, expected {expected}");
            }
        }

        Assert.That(Sources().Count(), Is.GreaterThan(50), "the runtime's sources were not found under " + Runtime);
        Assert.That(wrong, Is.Empty, "a file in src/InteropGuard/X is in namespace InteropGuard.X (the root: InteropGuard)");
    }

    [Test]
    public void NativeFolder_NamesNoTypeOfTheLayersAboveIt()
    {
        var above = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Sources().Where(f => Folder(f) != "Native"))
        {
            foreach (Match m in TopLevelType.Matches(File.ReadAllText(Path.Combine(Runtime, file))))
            {
                above.Add(m.Groups[1].Value);
            }
        }

        var named = new List<string>();
        foreach (string file in Sources().Where(f => Folder(f) == "Native"))
        {
            string code = NotCode.Replace(File.ReadAllText(Path.Combine(Runtime, file)), " ");
            named.AddRange(Regex.Matches(code, @"\b[A-Z][A-Za-z0-9_]*\b").Select(m => m.Value).Where(above.Contains).Distinct()
                .Select(t => file + ": " + t));
        }

        Assert.That(above, Does.Contain("Reporter").And.Contain("GuardRuntime"), "the type scan found the runtime's types");
        Assert.That(named, Is.Empty, "Native/ holds raw bindings, native structs and layout constants; what decides belongs a layer up");
    }

    [Test]
    public void PublicTypes_AreInTheRootNamespace_UnlessMeantForGeneratedCodeOrTools()
    {
        Type[] outside = typeof(Guard).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested && t.Namespace != "InteropGuard" && t.Namespace != "InteropGuard.Interception")
            .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>()?.State != EditorBrowsableState.Never)
            .ToArray();

        Assert.That(outside.Select(t => t.FullName), Is.Empty,
            "the API users write is in namespace InteropGuard ('using InteropGuard;'); public types elsewhere are for generated code (InteropGuard.Interception) or for InteropGuard's own tools ([EditorBrowsable(Never)])");
    }

    [Test]
    public void Internals_AreVisibleToTestsAndBenchmarksOnly()
    {
        string[] friends = typeof(Guard).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.That(friends, Is.EqualTo(new[] { "InteropGuard.Benchmarks", "InteropGuard.Tests" }),
            "the CLI and the validator use the runtime's public API");
    }
}
