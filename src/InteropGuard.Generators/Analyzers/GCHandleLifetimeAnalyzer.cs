// GCHandleLifetimeAnalyzer.cs: IG1004 (a GCHandle local not freed on every path) and IG1005 (a GCHandle local freed twice on some path), by flow analysis over each method's control flow graph; runs in the compiler.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1004 gchandle-not-freed and IG1005 gchandle-freed-twice, for GCHandle locals (fields and parameters belong to
/// someone else). A forward may-analysis tracks, per local, the Alloc that may still be live and the Free that may
/// already have run; <c>if (h.IsAllocated)</c> refines both (Free clears the variable it is called on). Reported:
/// a live Alloc at the normal exit or overwritten by another Alloc (IG1004), a Free where an earlier Free may have run
/// (IG1005), and an Alloc whose result is discarded (IG1004). A handle that escapes (stored, returned, passed as an
/// argument, GCHandle.ToIntPtr, copied to another variable) is handed over: no IG1004 for it. Paths that leave by an
/// exception are not followed (see <see cref="ForwardFlow"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GCHandleLifetimeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.GCHandleNotFreed, Descriptors.GCHandleFreedTwice);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.GCHandle == null)
                return;
            BlockTrigger.Register(start, 1, op => IsHandleMethod((IInvocationOperation)op, types) ? 1 : 0, block => Analyze(block, types), OperationKind.Invocation);
        });
    }

    private static bool IsHandleMethod(IInvocationOperation invocation, KnownTypes types) =>
        KnownTypes.IsMethod(invocation.TargetMethod, types.GCHandle, "Alloc") || KnownTypes.IsMethod(invocation.TargetMethod, types.GCHandle, "Free");

    private static bool IsAlloc(IOperation? operation, KnownTypes types) =>
        operation is IInvocationOperation invocation && KnownTypes.IsMethod(invocation.TargetMethod, types.GCHandle, "Alloc");

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        string method = context.OwningSymbol.Name;

        foreach (var alloc in facts.Operations.OfType<IInvocationOperation>().Where(i => IsAlloc(i, types)))
        {
            if (alloc.Parent is IExpressionStatementOperation || alloc.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation })
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.GCHandleNotFreed, alloc.Syntax.GetLocation(), "returned by GCHandle.Alloc", "is discarded, so nothing can ever free it"));
        }

        // Tracked: GCHandle locals that get an Alloc or have Free called on them, declared in this method or one of its functions.
        var tracked = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default); // local -> escapes
        foreach (var operation in facts.Operations)
        {
            var local = operation switch
            {
                ILocalReferenceOperation reference => reference.Local,
                IVariableDeclaratorOperation declarator => declarator.Symbol,
                _ => null,
            };
            if (local != null
                && SymbolEqualityComparer.Default.Equals(local.Type, types.GCHandle)
                && !facts.IsCaptured(local)
                && !tracked.ContainsKey(local))
            {
                bool allocated = facts.AssignedValues(local).Any(v => IsAlloc(MethodFacts.Unwrap(v), types));
                bool freed = facts.ReferencesTo(local).Any(r => r.Parent is IInvocationOperation { TargetMethod.Name: "Free" } call && call.Instance == r);
                if (allocated || freed)
                    tracked[local] = Escapes(local, facts);
            }
        }

        if (tracked.Count == 0)
            return;
        var reported = new HashSet<(string, SyntaxNode)>();
        foreach (var root in context.OperationBlocks)
        {
            if (root is not (IBlockOperation or IMethodBodyOperation or IConstructorBodyOperation or IFieldInitializerOperation or IPropertyInitializerOperation))
                continue;
            foreach (var graph in ForwardFlow.WithNestedGraphs(context.GetControlFlowGraph(root), context.CancellationToken))
                ForwardFlow.Run(graph, new HandleRule(context, types, tracked, reported, method), context.CancellationToken);
        }
    }

    /// <summary>True when a use of the handle hands it to someone else (anything but calling its members or overwriting it).</summary>
    private static bool Escapes(ILocalSymbol local, MethodFacts facts)
    {
        foreach (var reference in facts.ReferencesTo(local))
        {
            if (MethodFacts.IsWriteTarget(reference))
                continue;
            if (reference.Parent is IInvocationOperation call && call.Instance == reference)
                continue;
            if (reference.Parent is IPropertyReferenceOperation property && property.Instance == reference)
                continue;
            return true;
        }

        return false;
    }

    private sealed class HandleRule : IFlowRule
    {
        private const int Live = 0;
        private const int Freed = 1;

        private readonly OperationBlockAnalysisContext _context;
        private readonly KnownTypes _types;
        private readonly Dictionary<ILocalSymbol, bool> _tracked;
        private readonly HashSet<(string, SyntaxNode)> _reported;
        private readonly string _method;

        public HandleRule(OperationBlockAnalysisContext context, KnownTypes types, Dictionary<ILocalSymbol, bool> tracked,
            HashSet<(string, SyntaxNode)> reported, string method)
        {
            _context = context;
            _types = types;
            _tracked = tracked;
            _reported = reported;
            _method = method;
        }

        public ImmutableHashSet<FlowFact> Transfer(ImmutableHashSet<FlowFact> state, IOperation operation)
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when _tracked.ContainsKey(target.Local):
                {
                    var local = target.Local;
                    var value = MethodFacts.Unwrap(assignment.Value);
                    if (!IsAlloc(value, _types))
                        return Forget(state, local, Live, Freed);
                    foreach (var fact in state.Where(f => f.Is(Live, local)))
                        ReportLeak(fact, "is overwritten by another GCHandle.Alloc before it is freed");
                    return Forget(state, local, Live, Freed).Add(new FlowFact(Live, local, value!.Syntax));
                }

                case IInvocationOperation { Instance: ILocalReferenceOperation handle } free
                    when _tracked.ContainsKey(handle.Local) && KnownTypes.IsMethod(free.TargetMethod, _types.GCHandle, "Free"):
                {
                    var earlier = state.Where(f => f.Is(Freed, handle.Local)).Select(f => f.Site).OrderBy(s => s.SpanStart).FirstOrDefault();
                    if (earlier != null && _reported.Add((DiagnosticIds.GCHandleFreedTwice, free.Syntax)))
                    {
                        int line = earlier.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        _context.ReportDiagnostic(Diagnostic.Create(Descriptors.GCHandleFreedTwice, free.Syntax.GetLocation(),
                            new[] { earlier.GetLocation() }, handle.Local.Name, line));
                    }

                    return Forget(state, handle.Local, Live).Add(new FlowFact(Freed, handle.Local, free.Syntax));
                }

                default:
                    return state;
            }
        }

        public ImmutableHashSet<FlowFact> AssumeCondition(ImmutableHashSet<FlowFact> state, IOperation condition, bool value)
        {
            while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                condition = not.Operand;
                value = !value;
            }

            if (condition is IPropertyReferenceOperation { Property.Name: "IsAllocated", Instance: ILocalReferenceOperation handle }
                && _tracked.ContainsKey(handle.Local))
                return value ? Forget(state, handle.Local, Freed) : Forget(state, handle.Local, Live);
            return state;
        }

        public void AtExit(ImmutableHashSet<FlowFact> state)
        {
            foreach (var fact in state.Where(f => f.Kind == Live))
                ReportLeak(fact, $"is not freed on every path out of '{_method}'");
        }

        private void ReportLeak(FlowFact fact, string what)
        {
            if (_tracked[(ILocalSymbol)fact.Variable] || !_reported.Add((DiagnosticIds.GCHandleNotFreed, fact.Site)))
                return; // handed over, or already reported
            _context.ReportDiagnostic(Diagnostic.Create(Descriptors.GCHandleNotFreed, fact.Site.GetLocation(), $"allocated into '{fact.Variable.Name}'", what));
        }

        private static ImmutableHashSet<FlowFact> Forget(ImmutableHashSet<FlowFact> state, ILocalSymbol local, params int[] kinds) =>
            state.Except(state.Where(f => kinds.Contains(f.Kind) && SymbolEqualityComparer.Default.Equals(f.Variable, local)));
    }
}
