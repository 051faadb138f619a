// PInvokeInterceptorGenerator.cs: the incremental generator that intercepts every [DllImport]/[LibraryImport] call site of the compiling project with a checked wrapper; runs inside the compiler.
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

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
        // describes it as an equatable CallSiteModel (strings and flags; symbols are read here and never kept). Unchanged
        // files keep their models, so an edit elsewhere re-reads only the edited file.
        IncrementalValuesProvider<CallSiteModel> sites = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax,
                static (syntax, cancellationToken) => CallSiteReader.Read(syntax, cancellationToken))
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(CallSitesStep);

        // Stage 4, the whole project's sites with the switches: one value, equal (and cached) while no site changed.
        IncrementalValueProvider<(ImmutableArray<CallSiteModel> Sites, (WrapperMode Mode, bool AllowUnsafe) Switches)> input = sites
            .Collect()
            .Combine(mode.Combine(allowUnsafe))
            .WithTrackingName(OutputInputStep);

        // Stage 5, output: one file with an interceptor per site and, for full wrappers, a wrapper per P/Invoke.
        context.RegisterSourceOutput(input, static (output, value) =>
        {
            if (value.Switches.Mode == WrapperMode.Off || value.Sites.IsDefaultOrEmpty)
            {
                return;
            }

            string? source = value.Switches.Mode == WrapperMode.Light
                ? LightInterceptorEmitter.Emit(value.Sites, value.Switches.AllowUnsafe)
                : InterceptorEmitter.Emit(value.Sites, value.Switches.AllowUnsafe);
            if (source is not null)
            {
                output.AddSource(InterceptorEmitter.HintName, source);
            }
        });
    }

    private static bool IsTrue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out string? value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
