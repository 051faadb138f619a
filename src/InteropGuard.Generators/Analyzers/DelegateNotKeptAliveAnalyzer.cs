// DelegateNotKeptAliveAnalyzer.cs: IG1003, a delegate handed to native code that keeps it (retaining P/Invoke parameter, or Marshal.GetFunctionPointerForDelegate) but not kept alive; runs in the compiler on every method body.
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1003 delegate-not-kept-alive. Sinks: a delegate argument of a P/Invoke parameter that native code keeps
/// (<see cref="RetainingNativeApis"/>), and the argument of <c>Marshal.GetFunctionPointerForDelegate</c> (the function
/// pointer is only valid while the delegate lives, and the GC does not know native code holds it). Reported when the
/// delegate is created at the call (lambda, method group, <c>new D(M)</c>), or is a local holding only such delegates
/// that is neither stored elsewhere (field, property, another object, a GCHandle, a collection, a return) nor kept
/// by a later <c>GC.KeepAlive(d)</c> or a later call of the delegate. Delegates from fields, properties, parameters or
/// method results are someone else's to keep and are not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DelegateNotKeptAliveAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DelegateNotKeptAlive);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            BlockTrigger.Register(start, 1, op => IsSinkCall(op, types) ? 1 : 0, block => Analyze(block, types), OperationKind.Invocation);
        });
    }

    private static bool IsSinkCall(IOperation operation, KnownTypes types) =>
        operation is IInvocationOperation invocation
        && (IsGetFunctionPointer(invocation, types)
            || (NativeCalls.IsPInvoke(invocation.TargetMethod) && invocation.Arguments.Any(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate)));

    private static bool IsGetFunctionPointer(IInvocationOperation invocation, KnownTypes types) =>
        KnownTypes.IsMethod(invocation.TargetMethod, types.Marshal, "GetFunctionPointerForDelegate") && invocation.Arguments.Length == 1;

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        foreach (var invocation in facts.Operations.OfType<IInvocationOperation>())
        {
            if (IsGetFunctionPointer(invocation, types))
            {
                Check(context, facts, types, invocation, invocation.Arguments[0], "turned into a native function pointer by Marshal.GetFunctionPointerForDelegate");
                continue;
            }

            if (!NativeCalls.IsPInvoke(invocation.TargetMethod))
                continue;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { Type.TypeKind: TypeKind.Delegate } parameter)
                    continue;
                if (RetainingNativeApis.WhyRetained(invocation.TargetMethod, parameter) is { } why)
                    Check(context, facts, types, invocation, argument, $"passed to {NativeCalls.Describe(invocation)}, and {why}");
            }
        }
    }

    private static void Check(OperationBlockAnalysisContext context, MethodFacts facts, KnownTypes types,
        IInvocationOperation call, IArgumentOperation argument, string sink)
    {
        if (Subject(argument.Value, call, facts, types) is { } subject)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.DelegateNotKeptAlive, argument.Syntax.GetLocation(), subject, sink));
    }

    /// <summary>How the message names the unkept delegate in <paramref name="value"/> (either operand of ?: and ??), or null.</summary>
    private static string? Subject(IOperation? value, IInvocationOperation call, MethodFacts facts, KnownTypes types) =>
        MethodFacts.Unwrap(value) switch
        {
            IDelegateCreationOperation => "The delegate created at this call",
            ILocalReferenceOperation local when HoldsOnlyNewDelegates(local.Local, facts) && !IsKeptAlive(local.Local, call, facts, types)
                => $"The delegate in local '{local.Local.Name}'",
            IConditionalOperation conditional => Subject(conditional.WhenTrue, call, facts, types) ?? Subject(conditional.WhenFalse, call, facts, types),
            ICoalesceOperation coalesce => Subject(coalesce.Value, call, facts, types) ?? Subject(coalesce.WhenNull, call, facts, types),
            _ => null,
        };

    /// <summary>True when every value the local gets is a delegate created in this method (or null), so nothing
    /// outside the method can be holding it.</summary>
    private static bool HoldsOnlyNewDelegates(ILocalSymbol local, MethodFacts facts)
    {
        if (facts.IsCaptured(local))
            return false;
        bool any = false;
        foreach (var value in facts.AssignedValues(local))
        {
            var unwrapped = MethodFacts.Unwrap(value);
            if (unwrapped is IDelegateCreationOperation)
                any = true;
            else if (unwrapped?.ConstantValue is not { HasValue: true, Value: null })
                return false;
        }

        return any;
    }

    /// <summary>True when some use of the local keeps the delegate alive past <paramref name="call"/>: it is stored
    /// or passed on (anywhere), or GC.KeepAlive'd or invoked after the call.</summary>
    private static bool IsKeptAlive(ILocalSymbol local, IInvocationOperation call, MethodFacts facts, KnownTypes types)
    {
        int callEnd = call.Syntax.Span.End;
        foreach (var reference in facts.ReferencesTo(local))
        {
            if (MethodFacts.IsWriteTarget(reference) || call.Syntax.Span.Contains(reference.Syntax.Span))
                continue;
            var use = reference;
            while (use.Parent is IConversionOperation || (use.Parent is IConditionalOperation conditional && conditional.Condition != use)
                || (use.Parent is ICoalesceOperation coalesce && coalesce.Value == use))
                use = use.Parent; // d, (D)d, c ? d : e, d ?? e all hand d on to the same consumer
            bool after = reference.Syntax.SpanStart > callEnd;
            switch (use.Parent)
            {
                case IArgumentOperation { Parent: IInvocationOperation user }:
                    if (KnownTypes.IsMethod(user.TargetMethod, types.GC, "KeepAlive"))
                    {
                        if (after)
                            return true;
                    }
                    else if (!IsGetFunctionPointer(user, types) && !NativeCalls.IsPInvoke(user.TargetMethod))
                    {
                        return true; // handed to managed code (GCHandle.Alloc, a list, a registry): it may keep it
                    }

                    break;
                case IInvocationOperation invoked when invoked.Instance == use:
                    if (after)
                        return true; // calling the delegate later keeps it alive until then
                    break;
                case IBinaryOperation or IIsPatternOperation:
                    break; // a comparison keeps nothing
                default:
                    return true; // stored, returned, captured in an object: assume it is kept
            }
        }

        return false;
    }
}
