// PinnedHandleSite.cs: one call of GCHandle.Alloc(value, type) or handle.Free() in the compiling project, as the pinned-handle interceptor generator models it (equatable; no symbols kept), and how it is read from syntax.
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Interception;

/// <summary>A GCHandle call site: Alloc (<see cref="IsFree"/> false) or Free, with where it is and who calls it.</summary>
internal sealed record PinnedHandleSite
{
    private const string GCHandleType = "System.Runtime.InteropServices.GCHandle";

    public PinnedHandleSite(bool isFree, int locationVersion, string locationData, string file, int line, string caller)
    {
        IsFree = isFree;
        LocationVersion = locationVersion;
        LocationData = locationData;
        File = file;
        Line = line;
        Caller = caller;
    }

    /// <summary>True for <c>handle.Free()</c>, false for <c>GCHandle.Alloc(value, type)</c>.</summary>
    public bool IsFree { get; }

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
    /// opted out with [NotIntercepted] (<see cref="NotInterceptedScope"/>).</summary>
    public static PinnedHandleSite? Read(GeneratorSyntaxContext syntax, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)syntax.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Alloc" or "Free" } member
            || syntax.SemanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
            || operation.TargetMethod.ContainingType?.ToDisplayString() != GCHandleType)
        {
            return null;
        }

        IMethodSymbol method = operation.TargetMethod;
        bool isFree = method.Name == "Free" && !method.IsStatic && method.Parameters.Length == 0;
        bool isAlloc = method.Name == "Alloc" && method.IsStatic && method.Parameters.Length == 2;
        if ((!isFree && !isAlloc) || (isFree && !IsRefable(operation.Instance)))
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
            span.StartLinePosition.Line + 1, CallSiteReader.CallerName(enclosing));
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
