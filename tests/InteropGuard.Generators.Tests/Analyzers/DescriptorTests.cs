// DescriptorTests.cs: every IG1xxx descriptor is documented (page, help link, design table, release tracking) and its message says problem, consequence and fix.
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using InteropGuard.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class DescriptorTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(PointerOutlivesPinAnalyzer).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
        .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
        .Where(d => d.Id.StartsWith("IG1", StringComparison.Ordinal))
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray();

    private static TestCaseData[] All() =>
        Descriptors.Select(d => new TestCaseData(d).SetArgDisplayNames(d.Id)).ToArray();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InteropGuard.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("InteropGuard.sln not found above " + AppContext.BaseDirectory);
    }

    [Test]
    public void Ids_AreTheSevenAnalyzerIdsInTheAnalyzerBlock()
    {
        Assert.That(Descriptors.Select(d => d.Id), Is.EqualTo(new[] { "IG1001", "IG1002", "IG1003", "IG1004", "IG1005", "IG1006", "IG1007" }));
    }

    [TestCaseSource(nameof(All))]
    public void Descriptor_HasAPageAHelpLinkAndARow(DiagnosticDescriptor descriptor)
    {
        string root = RepoRoot();
        Assert.That(descriptor.HelpLinkUri, Does.StartWith("docs/checks/" + descriptor.Id + "-").And.EndWith(".md"));
        string page = Path.Combine(root, descriptor.HelpLinkUri);
        Assert.That(File.Exists(page), Is.True, page);
        string text = File.ReadAllText(page);
        Assert.That(text, Does.StartWith("# " + descriptor.Id + " "));
        Assert.That(text, Does.Contain("**How to suppress.**").And.Contain("**How to fix.**").And.Contain("at run time"));

        string table = File.ReadAllText(Path.Combine(root, "docs/design/analyzers.md"));
        Assert.That(table, Does.Contain($"| {descriptor.Id} | {descriptor.Title} |"));
        Assert.That(table, Does.Contain("(../checks/" + Path.GetFileName(descriptor.HelpLinkUri) + ")"));

        string releases = File.ReadAllText(Path.Combine(root, "src/InteropGuard.Generators/AnalyzerReleases.Unshipped.md"));
        Assert.That(releases, Does.Contain($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |"));
    }

    [TestCaseSource(nameof(All))]
    public void Message_SaysProblemConsequenceAndFix(DiagnosticDescriptor descriptor)
    {
        string message = descriptor.MessageFormat.ToString();
        Assert.That(message, Does.Contain(";"), "problem; consequence: fix");
        Assert.That(message, Does.Contain(":"));
        Assert.That(descriptor.Description.ToString(), Does.EndWith("."));
        Assert.That(descriptor.Category, Is.EqualTo("InteropGuard"));
        Assert.That(descriptor.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Warning));
    }

    [Test]
    public void EveryAnalyzer_HasDetectsAndAllowsTests()
    {
        var tests = typeof(DescriptorTests).Assembly.GetTypes().Where(t => t.Namespace == typeof(DescriptorTests).Namespace).ToArray();
        foreach (var analyzer in new[]
        {
            (nameof(PointerOutlivesPinAnalyzer), "PointerOutlivesPinTests"), (nameof(UnpinnedAddressToNativeAnalyzer), "UnpinnedAddressToNativeTests"),
            (nameof(DelegateNotKeptAliveAnalyzer), "DelegateNotKeptAliveTests"), (nameof(GCHandleLifetimeAnalyzer), "GCHandleLifetimeTests"),
            (nameof(DangerousHandleAnalyzer), "DangerousHandleTests"), (nameof(PooledArrayUseAfterReturnAnalyzer), "PooledArrayUseAfterReturnTests"),
        })
        {
            var fixture = tests.Single(t => t.Name == analyzer.Item2);
            var names = fixture.GetMethods().Select(m => m.Name).ToArray();
            Assert.That(names.Count(n => n.StartsWith("Detects_", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2), analyzer.Item1);
            Assert.That(names.Count(n => n.StartsWith("Allows_", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(4), analyzer.Item1);
        }
    }
}
