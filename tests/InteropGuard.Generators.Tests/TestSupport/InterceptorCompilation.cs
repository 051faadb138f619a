// InterceptorCompilation.cs: compiles C# snippets in memory against the running .NET and InteropGuard.dll, runs the interceptor generator over them and emits the result; used by the Interception tests.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using InteropGuard.Generators.Interception;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InteropGuard.Generators.Tests.TestSupport;

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorRun(CSharpCompilation Input, Compilation Output, GeneratorDriver Driver, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The generated interceptor file, or null when nothing was generated.</summary>
    public string? Generated => Driver.GetRunResult().GeneratedTrees
        .FirstOrDefault(t => t.FilePath.EndsWith(InterceptorEmitter.HintName, StringComparison.Ordinal))?.ToString();

    /// <summary>The generated pinned-handle interceptor file, or null when nothing was generated.</summary>
    public string? GeneratedHandles => Driver.GetRunResult().GeneratedTrees
        .FirstOrDefault(t => t.FilePath.EndsWith(PinnedHandleEmitter.HintName, StringComparison.Ordinal))?.ToString();

    /// <summary>The problems as text, for assertion messages, with the pinned-handle interceptor file.</summary>
    public string DescribeHandles() => string.Join("\n", Problems.Select(d => d.ToString())) + "\n--- generated ---\n" + (GeneratedHandles ?? "(nothing)");

    /// <summary>Warnings and errors of the output compilation (hidden and info diagnostics left out).</summary>
    public IReadOnlyList<Diagnostic> Problems => Output.GetDiagnostics()
        .Concat(GeneratorDiagnostics)
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
        .ToList();

    /// <summary>The problems as text, for assertion messages (with the generated file).</summary>
    public string Describe() => string.Join("\n", Problems.Select(d => d.ToString())) + "\n--- generated ---\n" + (Generated ?? "(nothing)");
}

/// <summary>In-memory compilations for generator tests.</summary>
internal static class InterceptorCompilation
{
    /// <summary>The parse options of a consumer whose targets added the generated namespace to InterceptorsNamespaces.</summary>
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithFeatures([new KeyValuePair<string, string>("InterceptorsNamespaces", InterceptorEmitter.Namespace)]);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The framework of this test process plus InteropGuard.dll.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>A compilation of <paramref name="sources"/> (file paths /src/File0.cs, ...), unsafe allowed unless said otherwise.</summary>
    public static CSharpCompilation Create(IEnumerable<string> sources, string assemblyName = "Consumer", bool allowUnsafe = true,
        OutputKind kind = OutputKind.DynamicallyLinkedLibrary, IEnumerable<MetadataReference>? extraReferences = null)
    {
        var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"/src/File{i}.cs")).ToList();
        return CSharpCompilation.Create(assemblyName, trees, References.AddRange(extraReferences ?? []),
            new CSharpCompilationOptions(kind, allowUnsafe: allowUnsafe, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));
    }

    /// <summary>Runs the generator over <paramref name="compilation"/> with InteropGuardEnabled = <paramref name="enabled"/>
    /// and InteropGuardRelease = <paramref name="release"/> (null = unset).</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, string? enabled = "true", string? release = null)
    {
        // Generated files are parsed with the compilation's own options (its InterceptorsNamespaces).
        var parseOptions = (CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options;
        GeneratorDriver driver = CreateDriver(new TestOptionsProvider(Properties(enabled, release)), parseOptions, withPinnedHandles: true);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(compilation, output, driver, diagnostics);
    }

    /// <summary>A driver with step tracking on, for caching tests.</summary>
    public static GeneratorDriver CreateDriver(string? enabled = "true", string? release = null) =>
        CreateDriver(new TestOptionsProvider(Properties(enabled, release)));

    /// <summary>The driver's options with other values of the two switches (a build whose properties changed).</summary>
    public static GeneratorDriver WithSwitches(GeneratorDriver driver, string? enabled, string? release) =>
        driver.WithUpdatedAnalyzerConfigOptions(new TestOptionsProvider(Properties(enabled, release)));

    private static ImmutableDictionary<string, string> Properties(string? enabled, string? release)
    {
        ImmutableDictionary<string, string> properties = ImmutableDictionary<string, string>.Empty;
        if (enabled is not null)
        {
            properties = properties.Add(PInvokeInterceptorGenerator.EnabledProperty, enabled);
        }

        if (release is not null)
        {
            properties = properties.Add(PInvokeInterceptorGenerator.ReleaseProperty, release);
        }

        return properties;
    }

    // Runs also get the pinned-handle interceptor (as builds do); the caching tests' drivers follow the P/Invoke one alone.
    private static GeneratorDriver CreateDriver(AnalyzerConfigOptionsProvider options, CSharpParseOptions? parseOptions = null, bool withPinnedHandles = false)
    {
        ISourceGenerator[] generators = withPinnedHandles
            ? [new PInvokeInterceptorGenerator().AsSourceGenerator(), new PinnedHandleInterceptorGenerator().AsSourceGenerator()]
            : [new PInvokeInterceptorGenerator().AsSourceGenerator()];
        return CSharpGeneratorDriver.Create(
            generators,
            parseOptions: parseOptions ?? ParseOptions,
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Emits <paramref name="compilation"/> to <paramref name="path"/>; throws with the diagnostics when it fails.</summary>
    public static void Emit(Compilation compilation, string path)
    {
        using FileStream pe = File.Create(path);
        using FileStream pdb = File.Create(Path.ChangeExtension(path, ".pdb"));
        var result = compilation.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
        if (!result.Success)
        {
            throw new InvalidOperationException("emit failed:\n" + string.Join("\n", result.Diagnostics));
        }
    }

    /// <summary>Emits to memory and returns a reference (for "P/Invokes declared in another assembly").</summary>
    public static MetadataReference EmitReference(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("emit failed:\n" + string.Join("\n", result.Diagnostics));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = tpa.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .ToList();
        paths.Add(typeof(InteropGuard.Guard).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    private sealed class TestOptionsProvider(ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        private readonly TestOptions _global = new(global);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => TestOptions.Empty;
    }

    private sealed class TestOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly TestOptions Empty = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
