// PinnedHandleInterceptorGenerator.cs: the incremental generator that intercepts the GCHandle.Alloc and Free calls of the compiling project, so the runtime tracks the user's pinned handles as pins, and its GC.AllocateArray calls that may pin, so it knows which arrays never move; runs inside the compiler.
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InteropGuard.Generators.Interception;

/// <summary>Intercepts <c>GCHandle.Alloc(value, type)</c> and <c>handle.Free()</c> call sites when the MSBuild property
/// <c>InteropGuardEnabled</c> is <c>true</c> (full wrappers; light builds and Release builds get nothing); also
/// <c>GC.AllocateArray</c> / <c>GC.AllocateUninitializedArray</c> calls that may allocate on the pinned object heap.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class PinnedHandleInterceptorGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Stage 1, the switch: only builds with full wrappers track pinned handles.
        IncrementalValueProvider<bool> enabled = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            options.GlobalOptions.TryGetValue(PInvokeInterceptorGenerator.EnabledProperty, out string? value)
            && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase));

        // Stage 2, call sites: member calls named Alloc, Free, AllocateArray or AllocateUninitializedArray, then the
        // semantic model keeps those on GCHandle and on GC (the array allocations that may pin).
        IncrementalValuesProvider<PinnedHandleSite> sites = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Alloc" or "Free" or "AllocateArray" or "AllocateUninitializedArray" } },
                static (syntax, cancellationToken) => PinnedHandleSite.Read(syntax, cancellationToken))
            .Where(static site => site is not null)
            .Select(static (site, _) => site!);

        // Stage 3, output: one file for the project's sites.
        context.RegisterSourceOutput(sites.Collect().Combine(enabled), static (output, value) =>
        {
            if (!value.Right || value.Left.IsDefaultOrEmpty)
            {
                return;
            }

            string? source = PinnedHandleEmitter.Emit(value.Left);
            if (source is not null)
            {
                output.AddSource(PinnedHandleEmitter.HintName, source);
            }
        });
    }
}
