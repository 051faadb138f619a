// IFlowRule.cs: what a rule tells ForwardFlow: how each operation and each branch condition changes its facts, and what it checks at the exit.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>A forward "may" analysis over a method's control flow graph. States are sets of facts joined by union,
/// so a fact in a state holds on at least one path; the transfer functions must only add facts that a path
/// establishes (monotone), because ForwardFlow iterates to a fixed point and rules may report along the way.</summary>
internal interface IFlowRule
{
    /// <summary>The effect of one operation; called for every operation of a block in evaluation order (children first).</summary>
    ImmutableHashSet<FlowFact> Transfer(ImmutableHashSet<FlowFact> state, IOperation operation);

    /// <summary>The state on the edge where <paramref name="condition"/> evaluated to <paramref name="value"/>.</summary>
    ImmutableHashSet<FlowFact> AssumeCondition(ImmutableHashSet<FlowFact> state, IOperation condition, bool value);

    /// <summary>The state that reaches the method's normal exit (after every finally block on the way).</summary>
    void AtExit(ImmutableHashSet<FlowFact> state);
}
