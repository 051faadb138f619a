// PinnedHandleSite.cs: one call of GCHandle.Alloc(value, type), handle.Free() or GC.AllocateArray / AllocateUninitializedArray(length, pinned) in the compiling project, as the pinned-handle interceptor generator models it (equatable; no symbols kept), and how it is read from syntax.
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Interception;

/// <summary>A GCHandle call site: Alloc (<see cref="IsFree"/> false) or Free; or a GC array allocation that may go to the
/// pinned object heap (<see cref="ArrayMethod"/> set); with where it is and who calls it.</summary>
internal sealed record PinnedHandleSite
{
    private const string GCHandleType = "System.Runtime.InteropServices.GCHandle";
    private const string GCType = "System.GC";

    public PinnedHandleSite(bool isFree, int locationVersion, string locationData, string file, int line, string caller, string? arrayMethod = null)
    {
        IsFree = isFree;
        ArrayMethod = arrayMethod;
        LocationVersion = locationVersion;
        LocationData = locationData;
        File = file;
        Line = line;
        Caller = caller;
    }

    /// <summary>True for <c>handle.Free()</c>, false for <c>GCHandle.Alloc(value, type)</c>.</summary>
    public bool IsFree { get; }

    /// <summary><c>AllocateArray</c> or <c>AllocateUninitializedArray</c> for a <c>GC</c> array allocation whose
    /// <c>pinned</c> argument is not the constant false; null for a GCHandle site.</summary>
    public string? ArrayMethod { get; }

    /// <summary>The interceptable location's version.</summary>
    public int LocationVersion { get; }

    /// <summary>The interceptable location's data.</summary>
    public string LocationData { get; }

    /// <summary>The full path of the file holding the call.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the call.</summary>
    public int Line { get; }

    /// <summary>The calling member, <c>Type.Method</c>.</summary>
    public string Caller { get; }

    /// <summary>The site of <paramref name="syntax"/>, or null when it is not a call the generator intercepts:
    /// <c>GCHandle.Alloc(object?, GCHandleType)</c>, and <c>Free()</c> on a GCHandle local, parameter (not <c>in</c>),
    /// array element or writable field (an interceptor of a struct method takes the receiver by <c>ref</c>); not in code
    /// opted out with [NotIntercepted] (<see cref="NotInterceptedScope"/>). Also <c>GC.AllocateArray&lt;T&gt;(length,
    /// pinned)</c> and <c>GC.AllocateUninitializedArray&lt;T&gt;(length, pinned)</c> unless <c>pinned</c> is left out or
    /// the constant false.</summary>
    public static PinnedHandleSite? Read(GeneratorSyntaxContext syntax, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)syntax.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Alloc" or "Free" or "AllocateArray" or "AllocateUninitializedArray" } member
            || syntax.SemanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        IMethodSymbol method = operation.TargetMethod;
        string? containing = method.ContainingType?.ToDisplayString();
        string? arrayMethod = containing == GCType && method.IsStatic && method.Arity == 1 && method.Parameters.Length == 2
            && method.Name is "AllocateArray" or "AllocateUninitializedArray" && MayPin(operation) ? method.Name : null;
        bool isFree = containing == GCHandleType && method.Name == "Free" && !method.IsStatic && method.Parameters.Length == 0;
        bool isAlloc = containing == GCHandleType && method.Name == "Alloc" && method.IsStatic && method.Parameters.Length == 2;
        if ((!isFree && !isAlloc && arrayMethod is null) || (isFree && !IsRefable(operation.Instance)))
        {
            return null;
        }

        ISymbol? enclosing = syntax.SemanticModel.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
        if (NotInterceptedScope.Covers(enclosing))
        {
            return null; // opted out: the calling member or a containing type has [NotIntercepted]
        }

        if (syntax.SemanticModel.GetInterceptableLocation(invocation, cancellationToken) is not { } location)
        {
            return null;
        }

        FileLinePositionSpan span = member.Name.GetLocation().GetLineSpan();
        return new PinnedHandleSite(isFree, location.Version, location.Data, invocation.SyntaxTree.FilePath,
            span.StartLinePosition.Line + 1, CallSiteReader.CallerName(enclosing), arrayMethod);
    }

    // A GC array allocation may go to the pinned object heap unless its `pinned` argument is left out (an implicit default) or the constant false.
    private static bool MayPin(IInvocationOperation operation)
    {
        foreach (IArgumentOperation argument in operation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 1)
            {
                return !argument.IsImplicit
                    && !(argument.Value.ConstantValue is { HasValue: true, Value: false });
            }
        }

        return false;
    }

    private static bool IsRefable(IOperation? receiver) => receiver switch
    {
        ILocalReferenceOperation local => !local.Local.IsRef || local.Local.RefKind == RefKind.Ref,
        IParameterReferenceOperation parameter => parameter.Parameter.RefKind is RefKind.None or RefKind.Ref or RefKind.Out,
        IFieldReferenceOperation field => !field.Field.IsReadOnly && (field.Instance is null || field.Instance.Type?.IsReferenceType == true || IsRefable(field.Instance)),
        IArrayElementReferenceOperation => true,
        _ => false,
    };
}
