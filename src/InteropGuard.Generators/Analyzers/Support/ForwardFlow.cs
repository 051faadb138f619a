// ForwardFlow.cs: runs an IFlowRule over a method's control flow graph to a fixed point; used by the GCHandle and ArrayPool analyzers.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>
/// A small forward data-flow engine over Roslyn's <see cref="ControlFlowGraph"/>.
/// <list type="bullet">
/// <item>Normal edges carry the state; a conditional edge first passes through <see cref="IFlowRule.AssumeCondition"/>.</item>
/// <item>An edge that leaves try blocks runs their finally regions in order (each finally region is analysed as a
/// sub-graph from the state on that edge), so a Free in a finally block counts on every path out of the try.</item>
/// <item>Exceptions are modelled only coarsely: a catch handler starts with the state at the entry of its try block;
/// paths that end in a throw are not exits (a handle that leaks only when an exception escapes is not reported).</item>
/// </list>
/// States only grow until the fixed point, so a rule may report while the engine iterates.
/// </summary>
internal sealed class ForwardFlow
{
    private readonly ControlFlowGraph _graph;
    private readonly IFlowRule _rule;
    private readonly CancellationToken _cancellation;

    private ForwardFlow(ControlFlowGraph graph, IFlowRule rule, CancellationToken cancellation)
    {
        _graph = graph;
        _rule = rule;
        _cancellation = cancellation;
    }

    /// <summary>Runs <paramref name="rule"/> over <paramref name="graph"/> and calls <see cref="IFlowRule.AtExit"/> once
    /// with the state at the normal exit (not at all when no path returns normally).</summary>
    public static void Run(ControlFlowGraph graph, IFlowRule rule, CancellationToken cancellation)
    {
        var flow = new ForwardFlow(graph, rule, cancellation);
        var exit = flow.RunFrom(0, ImmutableHashSet<FlowFact>.Empty, isFinally: false);
        if (exit != null)
            rule.AtExit(exit);
    }

    /// <summary>The graph itself and the graphs of every lambda and local function inside it, recursively.</summary>
    public static IEnumerable<ControlFlowGraph> WithNestedGraphs(ControlFlowGraph graph, CancellationToken cancellation)
    {
        yield return graph;
        foreach (var function in graph.LocalFunctions)
        {
            foreach (var nested in WithNestedGraphs(graph.GetLocalFunctionControlFlowGraph(function, cancellation), cancellation))
                yield return nested;
        }

        foreach (var block in graph.Blocks)
        {
            foreach (var root in BlockRoots(block))
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    if (operation is not IFlowAnonymousFunctionOperation lambda)
                        continue;
                    foreach (var nested in WithNestedGraphs(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellation), cancellation))
                        yield return nested;
                }
            }
        }
    }

    private static IEnumerable<IOperation> BlockRoots(BasicBlock block)
    {
        foreach (var operation in block.Operations)
            yield return operation;
        if (block.BranchValue != null)
            yield return block.BranchValue;
    }

    /// <summary>Runs from block <paramref name="start"/> until nothing changes. Returns the state at the exit block, or,
    /// for a finally region (<paramref name="isFinally"/>), the join of the states that leave the region's end; null
    /// when no such path exists.</summary>
    private ImmutableHashSet<FlowFact>? RunFrom(int start, ImmutableHashSet<FlowFact> input, bool isFinally)
    {
        var blocks = _graph.Blocks;
        var inputs = new ImmutableHashSet<FlowFact>?[blocks.Length];
        var pending = new SortedSet<int>();
        ImmutableHashSet<FlowFact>? result = null;

        inputs[start] = input;
        pending.Add(start);
        while (pending.Count > 0)
        {
            _cancellation.ThrowIfCancellationRequested();
            int ordinal = pending.Min;
            pending.Remove(ordinal);
            var block = blocks[ordinal];
            var entry = inputs[ordinal]!;

            var state = entry;
            foreach (var root in BlockRoots(block))
                state = Walk(root, state);

            if (block.Kind == BasicBlockKind.Exit)
            {
                result = Join(result, state);
                continue;
            }

            if (block.ConditionKind != ControlFlowConditionKind.None && block.BranchValue != null)
            {
                bool jumpWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                Follow(block, block.ConditionalSuccessor, _rule.AssumeCondition(state, block.BranchValue, jumpWhen));
                Follow(block, block.FallThroughSuccessor, _rule.AssumeCondition(state, block.BranchValue, !jumpWhen));
            }
            else
            {
                Follow(block, block.FallThroughSuccessor, state);
            }

            EnterHandlers(block, entry);
        }

        return result;

        void Follow(BasicBlock from, ControlFlowBranch? branch, ImmutableHashSet<FlowFact> state)
        {
            if (branch == null)
                return;
            foreach (var region in branch.FinallyRegions)
            {
                var afterFinally = RunFrom(region.FirstBlockOrdinal, state, isFinally: true);
                if (afterFinally == null)
                    return; // the finally block never completes normally
                state = afterFinally;
            }

            if (branch.Destination != null)
                Merge(branch.Destination.Ordinal, state);
            else if (branch.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling && isFinally && !InFilter(from))
                result = Join(result, state); // the end of the finally region this run analyses
            // Other edges without a destination end the path: throw, rethrow, a filter that declines the exception.
        }

        void Merge(int ordinal, ImmutableHashSet<FlowFact> state)
        {
            var old = inputs[ordinal];
            var joined = Join(old, state);
            if (old != null && old.SetEquals(joined))
                return;
            inputs[ordinal] = joined;
            pending.Add(ordinal);
        }

        // A catch (or filter) handler can start as soon as its try block starts; it gets the try block's entry state.
        void EnterHandlers(BasicBlock block, ImmutableHashSet<FlowFact> entry)
        {
            for (var region = block.EnclosingRegion; region != null && region.FirstBlockOrdinal == block.Ordinal; region = region.EnclosingRegion)
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion?.Kind != ControlFlowRegionKind.TryAndCatch)
                    continue;
                foreach (var handler in region.EnclosingRegion.NestedRegions)
                {
                    if (handler.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler)
                        Merge(handler.FirstBlockOrdinal, entry);
                }
            }
        }
    }

    private static bool InFilter(BasicBlock block)
    {
        for (var region = block.EnclosingRegion; region != null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Filter)
                return true;
            if (region.Kind == ControlFlowRegionKind.Finally)
                return false;
        }

        return false;
    }

    private ImmutableHashSet<FlowFact> Walk(IOperation operation, ImmutableHashSet<FlowFact> state)
    {
        foreach (var child in operation.ChildOperations)
            state = Walk(child, state);
        return _rule.Transfer(state, operation);
    }

    private static ImmutableHashSet<FlowFact> Join(ImmutableHashSet<FlowFact>? a, ImmutableHashSet<FlowFact> b) =>
        a == null ? b : a.Union(b);
}
