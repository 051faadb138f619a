// ValueOrigins.cs: traces where a value (a pointer, a handle, a delegate) can come from inside one method; used by the rules that match a source to a sink.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>
/// The origins of a value: follows conversions, locals (through every value assigned to them anywhere in the method:
/// flow-insensitive), <c>new IntPtr(x)</c>, pointer arithmetic, <c>?:</c> and <c>??</c> operands, and <c>&amp;p[i]</c>
/// back to <c>p</c>. What it cannot look through is an origin: an invocation, a field, a parameter, a <c>fixed</c>
/// local (kept as a reference so rules can recognise it), a local with no visible assignment.
/// </summary>
internal static class ValueOrigins
{
    public static List<IOperation> Of(IOperation value, MethodFacts facts)
    {
        var origins = new List<IOperation>();
        Visit(value, facts, origins, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default));
        return origins;
    }

    private static void Visit(IOperation? operation, MethodFacts facts, List<IOperation> origins, HashSet<ILocalSymbol> seen)
    {
        switch (operation)
        {
            case null:
                return;
            case IConversionOperation conversion:
                Visit(conversion.Operand, facts, origins, seen);
                return;
            case IParenthesizedOperation parenthesized:
                Visit(parenthesized.Operand, facts, origins, seen);
                return;
            case IConditionalOperation { WhenFalse: not null } conditional:
                Visit(conditional.WhenTrue, facts, origins, seen);
                Visit(conditional.WhenFalse, facts, origins, seen);
                return;
            case ICoalesceOperation coalesce:
                Visit(coalesce.Value, facts, origins, seen);
                Visit(coalesce.WhenNull, facts, origins, seen);
                return;
            case IBinaryOperation binary when IsAddress(binary.Type):
                if (IsAddress(binary.LeftOperand.Type))
                    Visit(binary.LeftOperand, facts, origins, seen);
                if (IsAddress(binary.RightOperand.Type))
                    Visit(binary.RightOperand, facts, origins, seen);
                return;
            case IObjectCreationOperation { Arguments.Length: 1 } creation
                when creation.Type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                Visit(creation.Arguments[0].Value, facts, origins, seen);
                return;
            case IAddressOfOperation addressOf:
                // &p[i], &p->f: the address derives from the pointer p; &local has no pointer inside and is an origin.
                bool derived = false;
                foreach (var inner in addressOf.Reference.DescendantsAndSelf())
                {
                    if (inner.Type is IPointerTypeSymbol && inner is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IInvocationOperation)
                    {
                        derived = true;
                        Visit(inner, facts, origins, seen);
                    }
                }

                if (!derived)
                    origins.Add(addressOf);
                return;
            case ILocalReferenceOperation local:
                if (facts.FixedStatementOf(local.Local) != null)
                {
                    origins.Add(local);
                    return;
                }

                var values = facts.AssignedValues(local.Local);
                if (values.Count == 0)
                {
                    origins.Add(local);
                    return;
                }

                if (!seen.Add(local.Local))
                    return;
                foreach (var assigned in values)
                    Visit(assigned, facts, origins, seen);
                return;
            default:
                origins.Add(operation);
                return;
        }
    }

    /// <summary>Pointer, nint or nuint: the types pointer arithmetic keeps an address in.</summary>
    public static bool IsAddress(ITypeSymbol? type) =>
        type is IPointerTypeSymbol || type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
}
