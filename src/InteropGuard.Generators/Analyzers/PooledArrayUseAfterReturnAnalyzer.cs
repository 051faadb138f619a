// PooledArrayUseAfterReturnAnalyzer.cs: IG1007, an array (or a span or memory over it) used after ArrayPool<T>.Return on some path, by flow analysis over each method's control flow graph; runs in the compiler.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1007 pooled-array-use-after-return. Tracks locals and parameters passed to <c>ArrayPool&lt;T&gt;.Return</c> (any
/// pool deriving from ArrayPool), and locals that view them (<c>x.AsSpan()</c>, <c>x.AsMemory()</c>, <c>new Span&lt;T&gt;(x)</c>,
/// <c>new ArraySegment&lt;T&gt;(x)</c>, a copy of <c>x</c>, and slices of those). A forward may-analysis records where
/// the array may have been returned; a read, write or pass of the variable or a view of it on a path after that, a
/// second Return included, is reported. Assigning the variable again ends the state. Not uses: <c>.Length</c>
/// (also <c>x?.Length</c>), comparisons with null, and overwriting the variable. Variables captured by lambdas are not tracked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PooledArrayUseAfterReturnAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.PooledArrayUseAfterReturn);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.ArrayPool == null)
                return;
            BlockTrigger.Register(start, 1, op => IsPoolReturn((IInvocationOperation)op, types) ? 1 : 0, block => Analyze(block, types), OperationKind.Invocation);
        });
    }

    private static bool IsPoolReturn(IInvocationOperation invocation, KnownTypes types) =>
        invocation.TargetMethod.Name == "Return" && invocation.Arguments.Length >= 1
        && KnownTypes.DerivesFrom(invocation.TargetMethod.ContainingType, types.ArrayPool);

    private static ISymbol? ReturnedVariable(IInvocationOperation invocation) =>
        MethodFacts.Unwrap(invocation.Arguments[0].Value) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        var roots = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var invocation in facts.Operations.OfType<IInvocationOperation>())
        {
            if (IsPoolReturn(invocation, types) && ReturnedVariable(invocation) is { } variable && !facts.IsCaptured(variable))
                roots.Add(variable);
        }

        if (roots.Count == 0)
            return;
        var viewOf = FindViews(roots, facts, types);
        var reported = new HashSet<SyntaxNode>();
        foreach (var root in context.OperationBlocks)
        {
            if (root is not (IBlockOperation or IMethodBodyOperation or IConstructorBodyOperation or IFieldInitializerOperation or IPropertyInitializerOperation))
                continue;
            foreach (var graph in ForwardFlow.WithNestedGraphs(context.GetControlFlowGraph(root), context.CancellationToken))
                ForwardFlow.Run(graph, new ReturnRule(context, types, roots, viewOf, reported), context.CancellationToken);
        }
    }

    /// <summary>Locals that view a tracked array (span, memory, segment, copy of the reference), mapped to the array variable.</summary>
    private static Dictionary<ISymbol, ISymbol> FindViews(HashSet<ISymbol> roots, MethodFacts facts, KnownTypes types)
    {
        var views = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var declarator in facts.Operations.OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol)
                .Concat(facts.Operations.OfType<ILocalReferenceOperation>().Select(r => r.Local)).Distinct<ILocalSymbol>(SymbolEqualityComparer.Default))
            {
                if (roots.Contains(declarator) || views.ContainsKey(declarator) || facts.IsCaptured(declarator) || !IsViewType(declarator.Type, types))
                    continue;
                foreach (var value in facts.AssignedValues(declarator))
                {
                    if (ViewedVariable(value, roots, views) is { } viewed)
                    {
                        views[declarator] = viewed;
                        changed = true;
                        break;
                    }
                }
            }
        }

        return views;
    }

    private static bool IsViewType(ITypeSymbol type, KnownTypes types) =>
        type is IArrayTypeSymbol
        || KnownTypes.IsGeneric(type, types.Span) || KnownTypes.IsGeneric(type, types.ReadOnlySpan)
        || KnownTypes.IsGeneric(type, types.Memory) || KnownTypes.IsGeneric(type, types.ReadOnlyMemory)
        || KnownTypes.IsGeneric(type, types.ArraySegment);

    /// <summary>The tracked array a value views: x, x.AsSpan(..), x.AsMemory(..), view.Slice(..), new Span&lt;T&gt;(x, ..).</summary>
    private static ISymbol? ViewedVariable(IOperation value, HashSet<ISymbol> roots, Dictionary<ISymbol, ISymbol> views)
    {
        var unwrapped = MethodFacts.Unwrap(value);
        IOperation? source = unwrapped switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation => unwrapped,
            IInvocationOperation { TargetMethod.Name: "AsSpan" or "AsMemory" or "Slice" } call =>
                call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null),
            IObjectCreationOperation { Arguments.Length: > 0 } creation => creation.Arguments[0].Value,
            _ => null,
        };
        var variable = MethodFacts.VariableOf(source);
        if (variable == null)
            return null;
        if (roots.Contains(variable))
            return variable;
        return views.TryGetValue(variable, out var root) ? root : null;
    }

    private sealed class ReturnRule : IFlowRule
    {
        private const int Returned = 0;

        private readonly OperationBlockAnalysisContext _context;
        private readonly KnownTypes _types;
        private readonly HashSet<ISymbol> _roots;
        private readonly Dictionary<ISymbol, ISymbol> _viewOf;
        private readonly HashSet<SyntaxNode> _reported;

        public ReturnRule(OperationBlockAnalysisContext context, KnownTypes types, HashSet<ISymbol> roots,
            Dictionary<ISymbol, ISymbol> viewOf, HashSet<SyntaxNode> reported)
        {
            _context = context;
            _types = types;
            _roots = roots;
            _viewOf = viewOf;
            _reported = reported;
        }

        public ImmutableHashSet<FlowFact> Transfer(ImmutableHashSet<FlowFact> state, IOperation operation)
        {
            switch (operation)
            {
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    var variable = MethodFacts.VariableOf(operation)!;
                    var root = _roots.Contains(variable) ? variable : _viewOf.TryGetValue(variable, out var viewed) ? viewed : null;
                    if (root == null || state.IsEmpty)
                        return state;
                    if (MethodFacts.IsWriteTarget(operation) || operation.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Out })
                        return SymbolEqualityComparer.Default.Equals(root, variable) ? Forget(state, root) : state;
                    if (!IsHarmless(operation))
                        CheckUse(state, operation, variable, root);
                    return state;

                case IInvocationOperation invocation when IsPoolReturn(invocation, _types) && ReturnedVariable(invocation) is { } returned && _roots.Contains(returned):
                    return state.Add(new FlowFact(Returned, returned, invocation.Syntax));

                default:
                    return state;
            }
        }

        public ImmutableHashSet<FlowFact> AssumeCondition(ImmutableHashSet<FlowFact> state, IOperation condition, bool value) => state;

        public void AtExit(ImmutableHashSet<FlowFact> state)
        {
        }

        private void CheckUse(ImmutableHashSet<FlowFact> state, IOperation use, ISymbol variable, ISymbol root)
        {
            var returnSite = state.Where(f => f.Is(Returned, root)).Select(f => f.Site).OrderBy(s => s.SpanStart).FirstOrDefault();
            if (returnSite == null || !_reported.Add(use.Syntax))
                return;
            string how = use.Parent is IArgumentOperation { Parent: IInvocationOperation call } && IsPoolReturn(call, _types)
                ? "returned again"
                : SymbolEqualityComparer.Default.Equals(variable, root) ? "used" : $"used (through '{variable.Name}', a view of '{root.Name}')";
            int line = returnSite.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            _context.ReportDiagnostic(Diagnostic.Create(Descriptors.PooledArrayUseAfterReturn, use.Syntax.GetLocation(),
                new[] { returnSite.GetLocation() }, root.Name, how, line));
        }

        /// <summary>Uses that cannot race with the next renter: the length, a null test.</summary>
        private static bool IsHarmless(IOperation reference)
        {
            var use = reference;
            while (use.Parent is IConversionOperation)
                use = use.Parent;
            return use.Parent switch
            {
                IPropertyReferenceOperation { Property.Name: "Length" or "IsEmpty" } property => property.Instance == use,
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary =>
                    binary.LeftOperand.ConstantValue is { HasValue: true, Value: null } || binary.RightOperand.ConstantValue is { HasValue: true, Value: null },
                IIsPatternOperation or IIsNullOperation => true,
                IFlowCaptureOperation => IsConditionalLengthRead(reference.Syntax),
                _ => false,
            };
        }

        /// <summary><c>x?.Length</c>: the control flow graph captures <c>x</c> for the null test; the read is still only the length.</summary>
        private static bool IsConditionalLengthRead(SyntaxNode syntax) =>
            syntax.Parent is ConditionalAccessExpressionSyntax access && access.Expression == syntax
            && access.WhenNotNull is MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Length" or "IsEmpty" };

        private static ImmutableHashSet<FlowFact> Forget(ImmutableHashSet<FlowFact> state, ISymbol root) =>
            state.Except(state.Where(f => SymbolEqualityComparer.Default.Equals(f.Variable, root)));
    }
}
