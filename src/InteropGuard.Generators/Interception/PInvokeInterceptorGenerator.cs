// PInvokeInterceptorGenerator.cs: the incremental generator that intercepts every [DllImport]/[LibraryImport] call site of the compiling project with a checked wrapper; runs inside the compiler.
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace InteropGuard.Generators.Interception;

/// <summary>Intercepts P/Invoke call sites (docs/design/generator.md). Emits checked wrappers when the MSBuild property
/// <c>InteropGuardEnabled</c> is <c>true</c> (the package's targets set it in Debug), light wrappers when it is not and
/// <c>InteropGuardRelease</c> is <c>true</c>, and nothing otherwise.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class PInvokeInterceptorGenerator : IIncrementalGenerator
{
    /// <summary>The analyzer-config key of the MSBuild switch (made visible by CompilerVisibleProperty).</summary>
    public const string EnabledProperty = "build_property.InteropGuardEnabled";

    /// <summary>The analyzer-config key of the release-mode switch (made visible by CompilerVisibleProperty).</summary>
    public const string ReleaseProperty = "build_property.InteropGuardRelease";

    /// <summary>Tracking name of the call-site stage (tests check its caching).</summary>
    public const string CallSitesStep = "InteropGuard.CallSites";

    /// <summary>Tracking name of the collected, combined input of the output stage.</summary>
    public const string OutputInputStep = "InteropGuard.OutputInput";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Stage 1, switches: InteropGuardEnabled == "true" gives full wrappers, else InteropGuardRelease == "true" light ones,
        // else nothing is emitted. One enum: edits never invalidate it.
        IncrementalValueProvider<WrapperMode> mode = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            IsTrue(options.GlobalOptions, EnabledProperty) ? WrapperMode.Full
            : IsTrue(options.GlobalOptions, ReleaseProperty) ? WrapperMode.Light
            : WrapperMode.Off);

        // Stage 2, what the compilation allows: pins need `fixed`, pointer fields need unsafe code. One bool, cached across edits.
        IncrementalValueProvider<bool> allowUnsafe = context.CompilationProvider.Select(static (compilation, _) =>
            compilation is CSharpCompilation { Options.AllowUnsafe: true });

        // Stage 3, call sites: every invocation, syntactically; then the semantic model decides whether it calls a P/Invoke and
        // describes it as an equatable CallSiteModel (strings and flags; symbols are read here and never kept), or as a
        // SkippedCallSite when no wrapper can be generated for it. Unchanged files keep their models, so an edit elsewhere
        // re-reads only the edited file.
        IncrementalValuesProvider<CallSiteRead> reads = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax,
                static (syntax, cancellationToken) => CallSiteReader.Read(syntax, cancellationToken))
            .Where(static read => read is not null)
            .Select(static (read, _) => read!);
        IncrementalValuesProvider<CallSiteModel> sites = reads
            .Where(static read => read.Site is not null)
            .Select(static (read, _) => read.Site!)
            .WithTrackingName(CallSitesStep);
        IncrementalValueProvider<ImmutableArray<SkippedCallSite>> skipped = reads
            .Where(static read => read.Skipped is not null)
            .Select(static (read, _) => read.Skipped!)
            .Collect();

        // Stage 4, the whole project's sites with the switches: one value, equal (and cached) while no site changed.
        IncrementalValueProvider<(ImmutableArray<CallSiteModel> Sites, (WrapperMode Mode, bool AllowUnsafe) Switches)> input = sites
            .Collect()
            .Combine(mode.Combine(allowUnsafe))
            .WithTrackingName(OutputInputStep);

        // The module the start-up code goes into: its name, and whether the runtime it calls is referenced.
        IncrementalValueProvider<(string Name, bool HasRuntime)> module = context.CompilationProvider.Select(static (compilation, _) =>
            (compilation.AssemblyName ?? "", compilation.GetTypeByMetadataName(StartupEmitter.StartupType) is not null));

        // Stage 5, output: one file with an interceptor per site and, for full wrappers, a wrapper per P/Invoke; for full
        // wrappers also the module initializer that starts the runtime; and one diagnostic per call site not (fully) checked.
        context.RegisterSourceOutput(input.Combine(skipped).Combine(module), static (output, value) =>
        {
            ((ImmutableArray<CallSiteModel> sites, (WrapperMode mode, bool allowUnsafe)), ImmutableArray<SkippedCallSite> skips) = value.Left;
            if (mode == WrapperMode.Off)
            {
                return;
            }

            Report(output, skips, mode == WrapperMode.Full ? sites : ImmutableArray<CallSiteModel>.Empty, allowUnsafe);
            if (mode == WrapperMode.Full && value.Right.HasRuntime)
            {
                output.AddSource(StartupEmitter.HintName, StartupEmitter.Emit(value.Right.Name, StartupEmitter.NotChecked(sites, skips, allowUnsafe)));
            }

            if (sites.IsDefaultOrEmpty)
            {
                return;
            }

            // One file for the shared class, one per partial type that hosts wrappers for its private nested types.
            foreach ((string hintName, ImmutableArray<CallSiteModel> group) in InterceptorEmitter.ByHost(sites))
            {
                string? source = mode == WrapperMode.Light
                    ? LightInterceptorEmitter.Emit(group, allowUnsafe)
                    : InterceptorEmitter.Emit(group, allowUnsafe);
                if (source is not null)
                {
                    output.AddSource(hintName, source);
                }
            }
        });
    }

    /// <summary>IG1101/IG1103 per skipped call site; IG1102 once, at the first site whose pins need unsafe code.</summary>
    private static void Report(SourceProductionContext output, ImmutableArray<SkippedCallSite> skips, ImmutableArray<CallSiteModel> fullSites, bool allowUnsafe)
    {
        foreach (SkippedCallSite skip in skips.IsDefault ? ImmutableArray<SkippedCallSite>.Empty : skips)
        {
            Location where = Location.Create(skip.File, new TextSpan(skip.Start, skip.Length),
                new LinePositionSpan(new LinePosition(skip.Line, skip.Column), new LinePosition(skip.EndLine, skip.EndColumn)));
            output.ReportDiagnostic(skip.Reason == SkipReason.TypeNotNameable
                ? Diagnostic.Create(InterceptionDiagnostics.TypeNotNameable, where, skip.Target, skip.Problem, skip.WayOut)
                : Diagnostic.Create(InterceptionDiagnostics.NotInterceptable, where, skip.Target, skip.Problem, skip.WayOut));
        }

        if (allowUnsafe)
        {
            return;
        }

        System.Collections.Generic.List<CallSiteModel> pinSites = StartupEmitter.PinSites(fullSites);
        if (pinSites.Count > 0)
        {
            CallSiteModel first = pinSites[0];
            var line = new LinePosition(first.Line - 1, 0);
            output.ReportDiagnostic(Diagnostic.Create(InterceptionDiagnostics.PinsNeedUnsafe, Location.Create(first.File, default, new LinePositionSpan(line, line)),
                InterceptorEmitter.N(pinSites.Count), first.Target.Display));
        }
    }

    private static bool IsTrue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out string? value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
