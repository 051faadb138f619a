// IncrementalTests.cs: the generator's caching: an unrelated edit leaves every call-site model and the output cached; a new call site changes them.
using System;
using System.Linq;
using InteropGuard.Generators.Interception;
using InteropGuard.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Runs one driver twice (step tracking on) and inspects the step outputs of the second run.</summary>
public class IncrementalTests
{
    private const string NativeSource = """
        using System.Runtime.InteropServices;
        namespace App;
        public static class Native
        {
            [DllImport("x")] public static extern ulong Sum(nint p, nuint n);
        }
        public static class User
        {
            public static ulong Run(nint p) => Native.Sum(p, 16);
        }
        """;

    private const string Unrelated = """
        namespace App;
        public static class Other
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    [Test]
    public void An_unrelated_edit_leaves_call_sites_and_output_cached()
    {
        CSharpCompilation first = InterceptorCompilation.Create([NativeSource, Unrelated]);
        GeneratorDriver driver = InterceptorCompilation.CreateDriver().RunGenerators(first);
        string generated = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith(InterceptorEmitter.HintName, StringComparison.Ordinal)).ToString();

        SyntaxTree old = first.SyntaxTrees.Last();
        SyntaxTree edited = CSharpSyntaxTree.ParseText(Unrelated.Replace("x * 2", "x + x", System.StringComparison.Ordinal), InterceptorCompilation.ParseOptions, path: old.FilePath);
        driver = driver.RunGenerators(first.ReplaceSyntaxTree(old, edited));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var sites = result.TrackedSteps[PInvokeInterceptorGenerator.CallSitesStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(sites, Is.Not.Empty);
        Assert.That(sites.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        var output = result.TrackedSteps[PInvokeInterceptorGenerator.OutputInputStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(output.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason),
            Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(result.GeneratedSources.Single(s => s.HintName == InterceptorEmitter.HintName).SourceText.ToString(), Is.EqualTo(generated));
    }

    [Test]
    public void A_new_call_site_changes_the_output()
    {
        CSharpCompilation first = InterceptorCompilation.Create([NativeSource, Unrelated]);
        GeneratorDriver driver = InterceptorCompilation.CreateDriver().RunGenerators(first);

        SyntaxTree old = first.SyntaxTrees.Last();
        SyntaxTree edited = CSharpSyntaxTree.ParseText(Unrelated.Replace("x * 2", "x * (int)Native.Sum(x, 2)", System.StringComparison.Ordinal),
            InterceptorCompilation.ParseOptions, path: old.FilePath);
        driver = driver.RunGenerators(first.ReplaceSyntaxTree(old, edited));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var output = result.TrackedSteps[PInvokeInterceptorGenerator.OutputInputStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(output.Select(o => o.Reason), Has.Some.EqualTo(IncrementalStepRunReason.Modified));
        Assert.That(result.GeneratedSources.Single(s => s.HintName == InterceptorEmitter.HintName).SourceText.ToString(), Does.Contain("\"Other.Twice\""));
    }
}
