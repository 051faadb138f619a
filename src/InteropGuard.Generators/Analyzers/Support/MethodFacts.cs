// MethodFacts.cs: one walk over a method's operation tree that indexes what the rules ask about (assignments, fixed locals, references, captures); built at the end of an operation block.
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>Flow-insensitive facts about one method body (including its lambdas and local functions).</summary>
internal sealed class MethodFacts
{
    private static readonly List<IOperation> None = new();

    private readonly Dictionary<ILocalSymbol, List<IOperation>> _assignments = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILocalSymbol, IOperation> _fixedLocals = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<IOperation>> _references = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _captured = new(SymbolEqualityComparer.Default);
    private readonly List<IOperation> _fixedStatements = new();

    private MethodFacts(ImmutableArray<IOperation> operations) => Operations = operations;

    /// <summary>Every operation of the method, parents before children.</summary>
    public ImmutableArray<IOperation> Operations { get; }

    /// <summary>The <c>fixed</c> statements (operations of kind None whose syntax is a FixedStatementSyntax).</summary>
    public IReadOnlyList<IOperation> FixedStatements => _fixedStatements;

    public static MethodFacts Build(ImmutableArray<IOperation> blocks, ISymbol owner)
    {
        var all = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var block in blocks)
            all.AddRange(block.DescendantsAndSelf());
        var facts = new MethodFacts(all.ToImmutable());
        foreach (var operation in facts.Operations)
            facts.Index(operation, owner);
        return facts;
    }

    /// <summary>The values assigned to <paramref name="local"/> (initializer, simple and <c>??=</c> assignments); empty when
    /// it is only written through out/ref or not at all.</summary>
    public IReadOnlyList<IOperation> AssignedValues(ILocalSymbol local) =>
        _assignments.TryGetValue(local, out var values) ? values : None;

    /// <summary>The fixed statement that declares <paramref name="local"/>, or null.</summary>
    public IOperation? FixedStatementOf(ILocalSymbol local) =>
        _fixedLocals.TryGetValue(local, out var statement) ? statement : null;

    /// <summary>Every read or write of a local or parameter.</summary>
    public IReadOnlyList<IOperation> ReferencesTo(ISymbol variable) =>
        _references.TryGetValue(variable, out var references) ? references : None;

    /// <summary>True when a lambda or local function other than the declaring one refers to the variable.</summary>
    public bool IsCaptured(ISymbol variable) => _captured.Contains(variable);

    /// <summary>The symbol a simple variable expression names (local, parameter, field, or the containing type for
    /// <c>this</c>), looking through conversions; null for anything else.</summary>
    public static ISymbol? VariableOf(IOperation? operation)
    {
        operation = Unwrap(operation);
        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IInstanceReferenceOperation instance => instance.Type,
            _ => null,
        };
    }

    /// <summary>Looks through implicit and explicit conversions.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }

    /// <summary>True when the reference is the target of a simple or <c>??=</c> assignment (a write, not a use of the value).</summary>
    public static bool IsWriteTarget(IOperation reference) =>
        (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
        || (reference.Parent is ICoalesceAssignmentOperation coalesce && coalesce.Target == reference);

    private void Index(IOperation operation, ISymbol owner)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                Add(_assignments, target.Local, assignment.Value);
                break;
            case ICoalesceAssignmentOperation { Target: ILocalReferenceOperation target } coalesce:
                Add(_assignments, target.Local, coalesce.Value);
                break;
            case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                Add(_assignments, declarator.Symbol, initializer.Value);
                break;
            case ILocalReferenceOperation local:
                Add(_references, local.Local, local);
                if (!SymbolEqualityComparer.Default.Equals(local.Local.ContainingSymbol, EnclosingFunction(local, owner)))
                    _captured.Add(local.Local);
                break;
            case IParameterReferenceOperation parameter:
                Add(_references, parameter.Parameter, parameter);
                if (!SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, EnclosingFunction(parameter, owner)))
                    _captured.Add(parameter.Parameter);
                break;
            case { Kind: OperationKind.None, Syntax: FixedStatementSyntax }:
                _fixedStatements.Add(operation);
                foreach (var child in operation.ChildOperations)
                {
                    if (child is not IVariableDeclarationGroupOperation group)
                        continue;
                    foreach (var declaration in group.Declarations)
                    {
                        foreach (var declarator in declaration.Declarators)
                            _fixedLocals[declarator.Symbol] = operation;
                    }
                }

                break;
        }
    }

    private static ISymbol EnclosingFunction(IOperation operation, ISymbol owner)
    {
        for (var parent = operation.Parent; parent != null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation lambda)
                return lambda.Symbol;
            if (parent is ILocalFunctionOperation function)
                return function.Symbol;
        }

        return owner;
    }

    private static void Add<TKey>(Dictionary<TKey, List<IOperation>> map, TKey key, IOperation value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = new List<IOperation>();
            map[key] = list;
        }

        list.Add(value);
    }
}
