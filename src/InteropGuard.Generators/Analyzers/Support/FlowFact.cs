// FlowFact.cs: one fact a flow rule tracks along the paths of a method ("h may be live since this Alloc"); used by ForwardFlow.
using System;
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>A fact about one variable that holds on some path: <see cref="Kind"/> is the rule's own small number,
/// <see cref="Site"/> the syntax that established it (the Alloc, the Free, the Return call).</summary>
internal readonly struct FlowFact : IEquatable<FlowFact>
{
    public FlowFact(int kind, ISymbol variable, SyntaxNode site)
    {
        Kind = kind;
        Variable = variable;
        Site = site;
    }

    public int Kind { get; }

    public ISymbol Variable { get; }

    public SyntaxNode Site { get; }

    public bool Is(int kind, ISymbol variable) => Kind == kind && SymbolEqualityComparer.Default.Equals(Variable, variable);

    public bool Equals(FlowFact other) =>
        Kind == other.Kind && Site == other.Site && SymbolEqualityComparer.Default.Equals(Variable, other.Variable);

    public override bool Equals(object? obj) => obj is FlowFact other && Equals(other);

    public override int GetHashCode() =>
        unchecked((Kind * 397) ^ SymbolEqualityComparer.Default.GetHashCode(Variable) ^ Site.GetHashCode());
}
