// DangerousHandleAnalyzer.cs: IG1006, a raw handle from SafeHandle.DangerousGetHandle passed to native code while nothing keeps its SafeHandle alive or referenced; runs in the compiler on every method body.
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1006 dangerous-handle-not-kept-alive. An argument of a native call whose value comes (through locals and casts)
/// from <c>owner.DangerousGetHandle()</c>. Not reported when, for the same owner variable: DangerousAddRef runs before
/// the call and DangerousRelease after it; the owner is used again after the call (<c>GC.KeepAlive(owner)</c>, a
/// Dispose, any member access: the GC cannot finalize it before that use); the owner is a <c>using</c> variable whose
/// scope encloses the call; the same call also receives the SafeHandle itself (the marshaller adds a reference); or,
/// for a field owner, <c>GC.KeepAlive(this)</c> follows. An owner that is not a variable (a method result) cannot be
/// kept and is always reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DangerousHandleAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DangerousHandleNotKeptAlive);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.SafeHandle == null)
                return;
            BlockTrigger.Register(
                start,
                required: 3,
                operation => (IsDangerousGetHandle(operation, types) ? 1 : 0) | (NativeCalls.IsNativeCall(operation) ? 2 : 0),
                block => Analyze(block, types),
                OperationKind.Invocation, OperationKind.FunctionPointerInvocation);
        });
    }

    private static bool IsDangerousGetHandle(IOperation operation, KnownTypes types) =>
        operation is IInvocationOperation invocation && KnownTypes.IsMethod(invocation.TargetMethod, types.SafeHandle, "DangerousGetHandle");

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        foreach (var call in NativeCalls.In(facts.Operations))
        {
            var arguments = NativeCalls.Arguments(call);
            foreach (var argument in arguments)
            {
                foreach (var origin in ValueOrigins.Of(argument.Value, facts))
                {
                    if (!IsDangerousGetHandle(origin, types))
                        continue;
                    var ownerExpression = ((IInvocationOperation)origin).Instance;
                    var owner = MethodFacts.VariableOf(ownerExpression);
                    if (owner != null && IsKeptAlive(owner, call, arguments, facts, types))
                        continue;
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.DangerousHandleNotKeptAlive,
                        argument.Syntax.GetLocation(),
                        ownerExpression?.Syntax.ToString() ?? "this",
                        NativeCalls.Describe(call)));
                    break;
                }
            }
        }
    }

    private static bool IsKeptAlive(ISymbol owner, IOperation call, ImmutableArray<IArgumentOperation> arguments, MethodFacts facts, KnownTypes types)
    {
        // The same call gets the SafeHandle itself: the marshaller holds a reference for the call.
        if (arguments.Any(a => SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(a.Value), owner)))
            return true;

        var callSpan = call.Syntax.Span;
        bool addRefBefore = false, releaseAfter = false;
        foreach (var operation in facts.Operations)
        {
            switch (operation)
            {
                case IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(invocation.Instance), owner):
                    if (invocation.TargetMethod.Name == "DangerousAddRef" && invocation.Syntax.SpanStart < callSpan.Start)
                        addRefBefore = true;
                    else if (invocation.TargetMethod.Name == "DangerousRelease" && invocation.Syntax.SpanStart > callSpan.End)
                        releaseAfter = true;
                    else if (invocation.Syntax.SpanStart > callSpan.End && invocation.TargetMethod.Name != "DangerousGetHandle")
                        return true; // used after the call (Dispose, Close, any method): reachable until then
                    break;

                // GC.KeepAlive(owner), or GC.KeepAlive(this) for a field owner, after the call.
                case IInvocationOperation { Arguments.Length: 1 } keepAlive
                    when KnownTypes.IsMethod(keepAlive.TargetMethod, types.GC, "KeepAlive") && keepAlive.Syntax.SpanStart > callSpan.End:
                    var kept = MethodFacts.VariableOf(keepAlive.Arguments[0].Value);
                    if (SymbolEqualityComparer.Default.Equals(kept, owner)
                        || (owner is IFieldSymbol { IsStatic: false } field && SymbolEqualityComparer.Default.Equals(kept, field.ContainingType)))
                        return true;
                    break;

                // using (owner) { call } / using var owner = ...;
                case IUsingOperation @using when @using.Syntax.Span.Contains(callSpan) && Mentions(@using.Resources, owner):
                    return true;
                case IUsingDeclarationOperation declaration when Mentions(declaration.DeclarationGroup, owner):
                    return true;

                // owner.IsClosed, owner.IsInvalid after the call.
                case IPropertyReferenceOperation property when property.Syntax.SpanStart > callSpan.End
                    && SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(property.Instance), owner):
                    return true;
            }
        }

        return addRefBefore && releaseAfter;
    }

    private static bool Mentions(IOperation? operation, ISymbol variable) =>
        operation != null && operation.DescendantsAndSelf().Any(o =>
            (o is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, variable))
            || SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(o), variable));
}
