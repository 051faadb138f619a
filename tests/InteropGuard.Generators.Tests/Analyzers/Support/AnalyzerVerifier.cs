// AnalyzerVerifier.cs: compiles a marked test source in memory against the running runtime's assemblies, runs one analyzer and compares its diagnostics with the markers.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers.Support;

/// <summary>The analyzer test harness (the Microsoft.CodeAnalysis.Testing packages are not on the package mirror).
/// A test source must compile without errors; the analyzer's diagnostics must match the markers exactly (id and span).</summary>
internal static class AnalyzerVerifier
{
    /// <summary>Usings every test source gets as global usings, so snippets stay short.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Buffers;
        global using System.Collections.Generic;
        global using System.Runtime.CompilerServices;
        global using System.Runtime.InteropServices;
        global using Microsoft.Win32.SafeHandles;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="markedSource"/>, runs <typeparamref name="TAnalyzer"/> and asserts that the
    /// diagnostics are exactly the marked ones. Unmarked ids default to the analyzer's first supported id.</summary>
    public static void Verify<TAnalyzer>(string markedSource)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var analyzer = new TAnalyzer();
        var source = MarkedSource.Parse(markedSource);
        var actual = Run(analyzer, source.Text);
        string defaultId = analyzer.SupportedDiagnostics[0].Id;

        var expected = source.Expected
            .Select(e => $"{e.Id ?? defaultId} {Describe(source.Text, e.Span.Start, e.Span.End)}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var found = actual
            .Select(d => $"{d.Id} {Describe(source.Text, d.Location.SourceSpan.Start, d.Location.SourceSpan.End)}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        if (!expected.SequenceEqual(found))
        {
            Assert.Fail("Diagnostics differ.\nExpected:\n  " + string.Join("\n  ", expected)
                + "\nActual:\n  " + string.Join("\n  ", actual.Select(d => $"{d.Id} {Describe(source.Text, d.Location.SourceSpan.Start, d.Location.SourceSpan.End)}: {d.GetMessage()}")));
        }
    }

    /// <summary>The analyzer's diagnostics for an unmarked source (for tests that look at messages).</summary>
    public static ImmutableArray<Diagnostic> Run(DiagnosticAnalyzer analyzer, string source, OutputKindOverride kind = OutputKindOverride.Library)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: "Test.cs");
        var usings = CSharpSyntaxTree.ParseText(GlobalUsings, new CSharpParseOptions(LanguageVersion.Preview), path: "Usings.cs");
        var compilation = CSharpCompilation.Create(
            "AnalyzerTest",
            new[] { tree, usings },
            References.Value,
            new CSharpCompilationOptions(kind == OutputKindOverride.Exe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            Assert.Fail("The test source does not compile:\n  " + string.Join("\n  ", errors));

        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzer));
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToList();
        if (crashes.Count > 0)
            Assert.Fail("The analyzer threw:\n  " + string.Join("\n  ", crashes.Select(d => d.GetMessage())));
        return diagnostics.Where(d => d.Location.SourceTree == tree).ToImmutableArray();
    }

    private static string Describe(string text, int start, int end)
    {
        int line = 1 + text.Take(start).Count(c => c == '\n');
        return $"line {line} '{text.Substring(start, end - start)}'";
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .ToList();
        // The runtime assembly, so [RetainedByNative] resolves as users see it.
        paths.Add(typeof(InteropGuard.RetainedByNativeAttribute).Assembly.Location);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}

/// <summary>What the test compilation builds: a library, or an executable (for top-level statements).</summary>
internal enum OutputKindOverride
{
    Library,
    Exe,
}
