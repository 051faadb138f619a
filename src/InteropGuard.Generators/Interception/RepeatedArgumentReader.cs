// RepeatedArgumentReader.cs: finds the pointer arguments of a call that the intercepted call of the statement just before already checked, with nothing but native code and plain reads in between (light wrappers skip their release-mode check).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Interception;

/// <summary>Redundant-check elimination for light wrappers (docs/design/generator.md, "Repeated arguments"). A database
/// driver binds, steps and resets one statement handle in consecutive statements; release mode would compare the same
/// value against the released-range filter five times a row. A later check of the same value can only find something
/// the earlier one did not if the range was released in between, and the rules below leave no managed code in between
/// that could release it: only the earlier call's native code, and plain reads of locals, fields and array elements.
/// <para>An argument of call C2 is repeated when all of these hold:</para>
/// <list type="bullet">
/// <item>C2 is the first thing its statement S2 evaluates: the statement is the call, <c>x = C2(..)</c>,
/// <c>x op= C2(..)</c>, <c>var x = C2(..)</c>, <c>return C2(..)</c>, or an <c>if</c> whose condition is C2 or starts with it.</item>
/// <item>The statement S1 just before S2 in the same block ends with an intercepted P/Invoke call C1: it is the call,
/// <c>x = C1(..)</c>, <c>x op= C1(..)</c> or <c>var x = C1(..)</c> with built-in conversions and operators only; or an
/// <c>if</c> without <c>else</c> whose condition is C1, <c>!C1</c> or C1 compared with a plain read, and whose body never
/// completes normally (it throws, returns, breaks, continues or jumps, or ends by calling a method that never returns),
/// so S2 runs only when the condition was false.</item>
/// <item>The argument is a local or by-value parameter V of the method holding the calls, passed unchanged (built-in
/// conversions aside) to a pointer parameter of C2, and C1 passes V to a pointer parameter that its light wrapper
/// checks.</item>
/// <item>Every argument of C1 and C2 is a plain read (constants, locals, parameters, instance fields, array
/// elements, built-in operators and conversions, <c>sizeof</c>, <c>default</c>, out variables): no property,
/// method, user-defined operator or static constructor runs.</item>
/// <item>S1 and S2 do not write V (no assignment, no <c>ref</c>/<c>out</c> argument), and the method neither takes
/// V's address nor captures V in a lambda or local function (code elsewhere could change it).</item>
/// </list>
/// <para>What it gives up: a range released while C1's native code runs (by a callback into managed code, or by
/// another thread) is found at the next statement that checks V, not at C2. Modes 1 and 2 skip nothing.</para></summary>
internal static class RepeatedArgumentReader
{
    /// <summary>The parameters of <paramref name="invocation"/> (C2) whose pointer argument the previous statement's
    /// intercepted call checked; empty when none or when any rule does not hold.</summary>
    public static EquatableArray<string> Read(InvocationExpressionSyntax invocation, TargetModel target, SemanticModel model, CancellationToken cancellationToken)
    {
        if (StatementOf(invocation) is not { Parent: BlockSyntax block } statement)
        {
            return EquatableArray<string>.Empty;
        }

        int index = block.Statements.IndexOf(statement);
        if (index <= 0
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call
            || !StartsWith(model.GetOperation(statement, cancellationToken), call))
        {
            return EquatableArray<string>.Empty;
        }

        StatementSyntax previous = block.Statements[index - 1];
        IOperation? previousOperation = model.GetOperation(previous, cancellationToken);
        if ((EndingCall(previousOperation) ?? GuardingCall(previousOperation, model, cancellationToken))
                is not { Syntax: InvocationExpressionSyntax previousSyntax } previousCall
            || CallSiteReader.Read(previousSyntax, model, readRepeated: false, cancellationToken) is not { } previousSite
            || !AllPlain(previousCall) || !AllPlain(call))
        {
            return EquatableArray<string>.Empty;
        }

        HashSet<ISymbol> checkedBefore = CheckedVariables(previousCall, previousSite);
        if (checkedBefore.Count == 0)
        {
            return EquatableArray<string>.Empty;
        }

        ISymbol? enclosing = model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
        DataFlowAnalysis? between = model.AnalyzeDataFlow(previous, statement);
        DataFlowAnalysis? member = MemberBody(invocation) is { } body ? AnalyzeBody(model, body) : null;
        if (enclosing is null || between is not { Succeeded: true } || member is not { Succeeded: true })
        {
            return EquatableArray<string>.Empty;
        }

        ImmutableArray<string>.Builder names = ImmutableArray.CreateBuilder<string>();
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter is { } parameter && IsCheckedPointer(target, parameter.Name)
                && Variable(argument.Value) is { } variable
                && checkedBefore.Contains(variable)
                && SymbolEqualityComparer.Default.Equals(variable.ContainingSymbol, enclosing)
                && !between.WrittenInside.Contains(variable)
                && !member.UnsafeAddressTaken.Contains(variable)
                && !member.Captured.Contains(variable))
            {
                names.Add(parameter.Name);
            }
        }

        return new EquatableArray<string>(names.ToImmutable());
    }

    /// <summary>The statement <paramref name="invocation"/> belongs to, through the expressions that hold it.</summary>
    private static StatementSyntax? StatementOf(InvocationExpressionSyntax invocation)
    {
        for (SyntaxNode? node = invocation.Parent; node is not null; node = node.Parent)
        {
            if (node is StatementSyntax statement)
            {
                return statement;
            }

            if (node is not (ExpressionSyntax or ArgumentSyntax or EqualsValueClauseSyntax or VariableDeclaratorSyntax or VariableDeclarationSyntax))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Does <paramref name="statement"/> evaluate <paramref name="call"/> (its arguments, then its check) before anything else?</summary>
    private static bool StartsWith(IOperation? statement, IInvocationOperation call) => statement switch
    {
        IExpressionStatementOperation expression => Leads(expression.Operation, call),
        IVariableDeclarationGroupOperation group => SingleInitializer(group) is { } value && Leads(value, call),
        IReturnOperation { ReturnedValue: { } value } => Leads(value, call),
        IConditionalOperation { Condition: var condition } => Leads(condition, call),
        _ => false,
    };

    private static bool Leads(IOperation operation, IInvocationOperation call) => Unwrap(operation) switch
    {
        IInvocationOperation invocation => invocation.Syntax == call.Syntax,
        ISimpleAssignmentOperation { Target: ILocalReferenceOperation or IDiscardOperation, Value: var value } => Leads(value, call),
        ICompoundAssignmentOperation { Target: ILocalReferenceOperation, Value: var value } => Leads(value, call),
        IBinaryOperation { LeftOperand: var left } => Leads(left, call),
        _ => false,
    };

    /// <summary>The intercepted call <paramref name="statement"/> ends with, when nothing but a store into a local (with a
    /// built-in operator) follows it.</summary>
    private static IInvocationOperation? EndingCall(IOperation? statement)
    {
        IOperation? value = statement switch
        {
            IExpressionStatementOperation expression => expression.Operation,
            IVariableDeclarationGroupOperation group => SingleInitializer(group),
            _ => null,
        };
        return Unwrap(value) switch
        {
            IInvocationOperation invocation => invocation,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation or IDiscardOperation, Value: var assigned } => Unwrap(assigned) as IInvocationOperation,
            ICompoundAssignmentOperation { Target: ILocalReferenceOperation, OperatorMethod: null, InConversion.MethodSymbol: null, OutConversion.MethodSymbol: null, Value: var added }
                => Unwrap(added) as IInvocationOperation,
            _ => null,
        };
    }

    /// <summary>The intercepted call an <c>if</c> without <c>else</c> ends with when its body never completes normally
    /// (<c>if (C1(..) != Done) { throw ..; }</c>): the statement after it runs only when the condition was false, so
    /// nothing ran after C1 but built-in operators on plain reads.</summary>
    private static IInvocationOperation? GuardingCall(IOperation? statement, SemanticModel model, CancellationToken cancellationToken)
    {
        // The syntactic test first: the control-flow analysis (and a helper's body) only for an if that ends with a call.
        return statement is IConditionalOperation { WhenFalse: null, Syntax: IfStatementSyntax syntax } conditional
            && LastCall(conditional.Condition) is { } call
            && NeverCompletes(syntax.Statement, model, cancellationToken)
            ? call
            : null;
    }

    /// <summary>The call <paramref name="condition"/> evaluates last, when everything else in it is a built-in operator
    /// on plain reads (no short-circuit operator: it might skip the call).</summary>
    private static IInvocationOperation? LastCall(IOperation condition) => Unwrap(condition) switch
    {
        IInvocationOperation invocation => invocation,
        IUnaryOperation { OperatorMethod: null, Operand: var operand } => LastCall(operand),
        IBinaryOperation { OperatorMethod: null, OperatorKind: not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr) } binary
            => IsPlainRead(binary.RightOperand) ? LastCall(binary.LeftOperand)
                : IsPlainRead(binary.LeftOperand) ? LastCall(binary.RightOperand)
                : null,
        _ => null,
    };

    /// <summary>Control never leaves <paramref name="branch"/> through its end: it throws, returns, breaks, continues or
    /// jumps (the language's reachability), or its last statement calls a method that never returns.</summary>
    private static bool NeverCompletes(StatementSyntax branch, SemanticModel model, CancellationToken cancellationToken)
    {
        ControlFlowAnalysis? flow = model.AnalyzeControlFlow(branch);
        if (flow is not { Succeeded: true })
        {
            return false;
        }

        if (!flow.EndPointIsReachable)
        {
            return true;
        }

        StatementSyntax? last = branch is BlockSyntax block ? block.Statements.LastOrDefault() : branch;
        return last is ExpressionStatementSyntax
            && model.GetOperation(last, cancellationToken) is IExpressionStatementOperation { Operation: IInvocationOperation call }
            && NeverReturns(call.TargetMethod, model.Compilation, cancellationToken);
    }

    /// <summary>Does a call of <paramref name="method"/> never return normally? True for <c>[DoesNotReturn]</c>
    /// (trusted, as the compiler's nullable analysis trusts it), and for a method of this compilation dispatched
    /// directly (not virtual, abstract, an interface member, async or an iterator) whose body's end point is
    /// unreachable and holds no <c>return</c>: a throw helper such as <c>void Fail(string what) { ..; throw ..; }</c>.
    /// One level deep: a helper that calls another throw helper is not followed.</summary>
    private static bool NeverReturns(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
    {
        if (method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute"))
        {
            return true;
        }

        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        method = method.PartialImplementationPart ?? method;
        if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsAsync || method.IsExtern
            || method.ContainingType?.TypeKind == TypeKind.Interface
            || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        SyntaxReference reference = method.DeclaringSyntaxReferences[0];
        (BlockSyntax? body, ArrowExpressionClauseSyntax? arrow) = reference.GetSyntax(cancellationToken) switch
        {
            MethodDeclarationSyntax declaration => (declaration.Body, declaration.ExpressionBody),
            LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody),
            _ => (null, null),
        };
        if (arrow is not null)
        {
            return arrow.Expression is ThrowExpressionSyntax;
        }

        if (body is null || body.Statements.Count == 0 || body.DescendantNodes().Any(n => n is YieldStatementSyntax))
        {
            return false;
        }

        SemanticModel bodyModel = compilation.GetSemanticModel(reference.SyntaxTree);
        ControlFlowAnalysis? flow = bodyModel.AnalyzeControlFlow(body.Statements[0], body.Statements[body.Statements.Count - 1]);
        return flow is { Succeeded: true, EndPointIsReachable: false } && flow.ReturnStatements.IsEmpty;
    }

    private static IOperation? SingleInitializer(IVariableDeclarationGroupOperation group) =>
        group.Declarations.Length == 1 && group.Declarations[0].Declarators.Length == 1
            ? group.Declarations[0].Declarators[0].Initializer?.Value
            : null;

    /// <summary>Strips built-in conversions (a user-defined one is a method call and stops here).</summary>
    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>The locals and parameters <paramref name="call"/> passes to a parameter its light wrapper checks.</summary>
    private static HashSet<ISymbol> CheckedVariables(IInvocationOperation call, CallSiteModel site)
    {
        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter is { } parameter && IsCheckedPointer(site.Target, parameter.Name)
                && !site.NullArguments.Contains(parameter.Name)
                && Variable(argument.Value) is { } variable)
            {
                result.Add(variable);
            }
        }

        return result;
    }

    /// <summary>Is <paramref name="name"/> a parameter a light wrapper checks (a pointer, function pointer, <c>nint</c> or
    /// struct pointer passed in: the kinds CallSiteReader gave it)?</summary>
    private static bool IsCheckedPointer(TargetModel target, string name) =>
        target.Parameters.Any(p => p.Name == name && p.Kind is ArgumentKind.Pointer or ArgumentKind.PointerSized or ArgumentKind.StructPointer or ArgumentKind.PointerSlot);

    /// <summary>The local or by-value parameter <paramref name="value"/> reads, built-in conversions aside.</summary>
    private static ISymbol? Variable(IOperation value) => Unwrap(value) switch
    {
        ILocalReferenceOperation { Local: { IsRef: false } local } => local,
        IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter } => parameter,
        _ => null,
    };

    /// <summary>Every argument of <paramref name="call"/> evaluates without running user code or writing a variable.</summary>
    private static bool AllPlain(IInvocationOperation call)
    {
        foreach (IArgumentOperation argument in call.Arguments)
        {
            bool plain = IsPlainRead(argument.Value)
                || (argument.Parameter?.RefKind is not (null or RefKind.None) && argument.Value is IDeclarationExpressionOperation or IDiscardOperation);
            if (!plain)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlainRead(IOperation? operation)
    {
        if (operation is null)
        {
            return false;
        }

        if (operation.ConstantValue.HasValue)
        {
            return true;
        }

        return operation switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation or ILiteralOperation
                or IDefaultValueOperation or ISizeOfOperation => true,
            IFieldReferenceOperation { Field.IsStatic: false, Instance: var instance } => IsPlainRead(instance),
            IArrayElementReferenceOperation element => IsPlainRead(element.ArrayReference) && AllPlainReads(element.Indices),
            IConversionOperation { OperatorMethod: null } conversion => IsPlainRead(conversion.Operand),
            IBinaryOperation { OperatorMethod: null } binary => IsPlainRead(binary.LeftOperand) && IsPlainRead(binary.RightOperand),
            IUnaryOperation { OperatorMethod: null } unary => IsPlainRead(unary.Operand),
            IAddressOfOperation address => address.Reference is ILocalReferenceOperation or IParameterReferenceOperation,
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => IsPlainRead(conditional.Condition) && IsPlainRead(conditional.WhenTrue) && IsPlainRead(whenFalse),
            _ => false,
        };
    }

    private static bool AllPlainReads(ImmutableArray<IOperation> operations)
    {
        foreach (IOperation operation in operations)
        {
            if (!IsPlainRead(operation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The body of the method, accessor, local function or lambda holding <paramref name="invocation"/>.</summary>
    private static SyntaxNode? MemberBody(InvocationExpressionSyntax invocation)
    {
        foreach (SyntaxNode ancestor in invocation.Ancestors())
        {
            switch (ancestor)
            {
                case BaseMethodDeclarationSyntax method:
                    return (SyntaxNode?)method.Body ?? method.ExpressionBody?.Expression;
                case AccessorDeclarationSyntax accessor:
                    return (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody?.Expression;
                case LocalFunctionStatementSyntax local:
                    return (SyntaxNode?)local.Body ?? local.ExpressionBody?.Expression;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.Body;
                case MemberDeclarationSyntax or CompilationUnitSyntax:
                    return null;
            }
        }

        return null;
    }

    private static DataFlowAnalysis? AnalyzeBody(SemanticModel model, SyntaxNode body) => body switch
    {
        StatementSyntax statement => model.AnalyzeDataFlow(statement),
        ExpressionSyntax expression => model.AnalyzeDataFlow(expression),
        _ => null,
    };
}
