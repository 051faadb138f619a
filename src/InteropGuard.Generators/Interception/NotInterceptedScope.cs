// NotInterceptedScope.cs: where [NotIntercepted] reaches: the one reading of the opt-out both interceptor generators (P/Invoke calls, GCHandle calls) honour.
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Interception;

/// <summary>The scope of <c>[InteropGuard.Interception.NotIntercepted]</c>: a symbol is opted out when the attribute
/// is on it, on its property (for accessors), or on any containing method or type. The P/Invoke interceptor asks it of
/// the calling member and of the P/Invoke; the pinned-handle interceptor of the calling member.</summary>
internal static class NotInterceptedScope
{
    private const string AttributeName = "InteropGuard.Interception.NotInterceptedAttribute";

    /// <summary>True when <paramref name="symbol"/> (null: none) lies in code opted out with [NotIntercepted].</summary>
    public static bool Covers(ISymbol? symbol)
    {
        for (ISymbol? s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
        {
            if (HasAttribute(s) || (s is IMethodSymbol { AssociatedSymbol: { } associated } && HasAttribute(associated)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAttribute(ISymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeName)
            {
                return true;
            }
        }

        return false;
    }
}
