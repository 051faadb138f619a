// PointerOutlivesPinAnalyzer.cs: IG1001, a pointer from a pin (fixed, AddrOfPinnedObject, MemoryHandle.Pointer, Unsafe.AsPointer) stored or returned past the pin; runs in the compiler on every method body.
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1001 pointer-outlives-pin. Sources: a <c>fixed</c> local; <c>Unsafe.AsPointer(ref x)</c> (no pin at all; not for
/// static fields, which do not move, nor, when returned, for a <c>ref</c> parameter the caller pins);
/// <c>h.AddrOfPinnedObject()</c> of a local handle freed in the same method; <c>m.Pointer</c> of a local MemoryHandle
/// disposed in the same method; <c>pin.Pointer</c> of a local InteropGuard <c>Pin</c> released or disposed in the same
/// method. Sinks: a field or property of a heap object, a static, an element of an array field,
/// an out/ref parameter, memory behind a pointer that is not stack or pinned memory (<c>*(void**)p = ptr</c>,
/// Marshal.WriteIntPtr, Unsafe.Write), a return. A GCHandle or MemoryHandle that is itself kept (a field) is not a
/// source: its pin lasts until someone else frees it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PointerOutlivesPinAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.PointerOutlivesPin);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            BlockTrigger.Register(start, 1, op => MayBeSource(op, types) ? 1 : 0, block => Analyze(block, types),
                OperationKind.VariableDeclarator, OperationKind.Invocation, OperationKind.PropertyReference);
        });
    }

    private static bool MayBeSource(IOperation operation, KnownTypes types) => operation switch
    {
        IVariableDeclaratorOperation { Parent.Parent.Parent: { Kind: OperationKind.None, Syntax: FixedStatementSyntax } } => true,
        IInvocationOperation invocation => KnownTypes.IsMethod(invocation.TargetMethod, types.Unsafe, "AsPointer")
            || KnownTypes.IsMethod(invocation.TargetMethod, types.GCHandle, "AddrOfPinnedObject"),
        IPropertyReferenceOperation property => property.Property.Name == "Pointer"
            && (SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, types.MemoryHandle) || IsGuardPin(property.Property.ContainingType)),
        _ => false,
    };

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        foreach (var operation in facts.Operations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case ISimpleAssignmentOperation assignment when DescribeStore(assignment.Target, facts) is { } store:
                    Check(context, facts, types, assignment.Value, "stored in " + store, assignment.Syntax, isReturn: false);
                    break;
                case IInvocationOperation invocation when NativeWrite(invocation, types, facts) is { } written:
                    Check(context, facts, types, invocation.Arguments[invocation.Arguments.Length - 1].Value, written, invocation.Syntax, isReturn: false);
                    break;
                case IReturnOperation { ReturnedValue: { } returned } ret when ret.Kind != OperationKind.YieldBreak:
                    Check(context, facts, types, returned, "returned", ret.Syntax, isReturn: true);
                    break;
            }
        }
    }

    private static void Check(OperationBlockAnalysisContext context, MethodFacts facts, KnownTypes types, IOperation value,
        string sink, SyntaxNode location, bool isReturn)
    {
        if (!ValueOrigins.IsAddress(value.Type) && !ValueOrigins.IsAddress(MethodFacts.Unwrap(value)?.Type)
            && value.Type?.SpecialType is not (SpecialType.System_Int64 or SpecialType.System_UInt64))
            return; // only an address can dangle
        foreach (var origin in ValueOrigins.Of(value, facts))
        {
            if (DescribeSource(origin, facts, types, isReturn) is not { } source)
                continue;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.PointerOutlivesPin, location.GetLocation(), source.What, sink, source.PinEnds));
            return;
        }
    }

    private static (string What, string PinEnds)? DescribeSource(IOperation origin, MethodFacts facts, KnownTypes types, bool isReturn)
    {
        switch (origin)
        {
            case ILocalReferenceOperation local when facts.FixedStatementOf(local.Local) != null:
                return ($"the 'fixed' local '{local.Local.Name}'", "the pin ends with the fixed block");

            case IInvocationOperation invocation when KnownTypes.IsMethod(invocation.TargetMethod, types.Unsafe, "AsPointer")
                && invocation.Arguments.Length == 1:
                var location = invocation.Arguments[0].Value;
                if (location is IFieldReferenceOperation { Field.IsStatic: true })
                    return null; // statics of unmanaged types live outside the GC heap and never move
                if (location.Kind == OperationKind.None)
                    return null; // ref *p: the address of native or already pinned memory
                if (isReturn && location is IParameterReferenceOperation { Parameter.RefKind: not RefKind.None })
                    return null; // a pass-through helper: the caller owns the pin
                return ($"Unsafe.AsPointer(ref {location.Syntax})", "Unsafe.AsPointer does not pin at all");

            case IInvocationOperation invocation when KnownTypes.IsMethod(invocation.TargetMethod, types.GCHandle, "AddrOfPinnedObject")
                && invocation.Instance is ILocalReferenceOperation handle && IsCalledOn(facts, handle.Local, "Free"):
                return ($"'{handle.Local.Name}.AddrOfPinnedObject()'", $"'{handle.Local.Name}' is freed in this method");

            case IPropertyReferenceOperation property when property.Property.Name == "Pointer"
                && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, types.MemoryHandle)
                && property.Instance is ILocalReferenceOperation memoryHandle
                && (IsCalledOn(facts, memoryHandle.Local, "Dispose") || IsUsingVariable(facts, memoryHandle.Local)):
                return ($"'{memoryHandle.Local.Name}.Pointer'", $"'{memoryHandle.Local.Name}' is disposed in this method");

            case IPropertyReferenceOperation property when property.Property.Name == "Pointer"
                && IsGuardPin(property.Property.ContainingType)
                && property.Instance is ILocalReferenceOperation pin
                && (IsCalledOn(facts, pin.Local, "Release") || IsCalledOn(facts, pin.Local, "Dispose") || IsUsingVariable(facts, pin.Local)):
                return ($"'{pin.Local.Name}.Pointer'", $"'{pin.Local.Name}' is released in this method");

            default:
                return null;
        }
    }

    /// <summary>InteropGuard's own tracked pin, matched by name so the analyzer needs no reference to the runtime.</summary>
    private static bool IsGuardPin(INamedTypeSymbol? type) => type?.ToDisplayString() == GuardPinType;

    private const string GuardPinType = "InteropGuard.Pin";

    /// <summary>What a store to <paramref name="target"/> outlives the method in, or null for a local place.</summary>
    private static string? DescribeStore(IOperation target, MethodFacts facts)
    {
        switch (target)
        {
            case IFieldReferenceOperation field when field.Field.IsStatic:
                return $"static field '{field.Field.Name}'";
            case IFieldReferenceOperation field when IsHeapObject(field.Instance):
                return $"field '{field.Field.Name}'";
            case IFieldReferenceOperation { Instance: { Kind: OperationKind.None } through } when FirstChild(through) is { } pointer
                && IsOutsideStackAndPins(pointer, facts):
                return $"memory behind '{pointer.Syntax}'";
            case IPropertyReferenceOperation property when property.Property.IsStatic:
                return $"static property '{property.Property.Name}'";
            case IPropertyReferenceOperation property when IsHeapObject(property.Instance):
                return $"property '{property.Property.Name}'";
            case IArrayElementReferenceOperation element
                when MethodFacts.Unwrap(element.ArrayReference) is IFieldReferenceOperation or IPropertyReferenceOperation:
                return $"an element of '{element.ArrayReference.Syntax}'";
            case IParameterReferenceOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } parameter:
                return $"{(parameter.Parameter.RefKind == RefKind.Out ? "out" : "ref")} parameter '{parameter.Parameter.Name}'";
            case { Kind: OperationKind.None, Syntax: PrefixUnaryExpressionSyntax or ElementAccessExpressionSyntax }
                when FirstChild(target) is { } pointer && IsOutsideStackAndPins(pointer, facts):
                return $"memory behind '{pointer.Syntax}'";
            default:
                return null;
        }
    }

    /// <summary>Marshal.WriteIntPtr/WriteInt64 and Unsafe.Write/WriteUnaligned into memory that outlives the method.</summary>
    private static string? NativeWrite(IInvocationOperation invocation, KnownTypes types, MethodFacts facts)
    {
        var method = invocation.TargetMethod;
        bool marshalWrite = KnownTypes.IsMethod(method, types.Marshal, "WriteIntPtr") || KnownTypes.IsMethod(method, types.Marshal, "WriteInt64");
        bool unsafeWrite = KnownTypes.IsMethod(method, types.Unsafe, "Write") || KnownTypes.IsMethod(method, types.Unsafe, "WriteUnaligned");
        if ((!marshalWrite && !unsafeWrite) || invocation.Arguments.Length < 2)
            return null;
        var destination = invocation.Arguments[0];
        if (destination.Parameter?.Type.SpecialType == SpecialType.System_Object)
            return $"written into the object '{destination.Value.Syntax}' by {method.Name}";
        if (!ValueOrigins.IsAddress(destination.Parameter?.Type) || !IsOutsideStackAndPins(destination.Value, facts))
            return null;
        return $"written to memory behind '{destination.Value.Syntax}' by {method.ContainingType.Name}.{method.Name}";
    }

    /// <summary>True unless every origin of <paramref name="pointer"/> is stack memory (stackalloc, &amp;local) or a
    /// <c>fixed</c> local (memory pinned for the same block, such as a local array of pointers built for one call).</summary>
    private static bool IsOutsideStackAndPins(IOperation pointer, MethodFacts facts)
    {
        foreach (var origin in ValueOrigins.Of(pointer, facts))
        {
            bool local = origin switch
            {
                ILocalReferenceOperation reference => facts.FixedStatementOf(reference.Local) != null,
                IAddressOfOperation => true,
                { Kind: OperationKind.None, Syntax: StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax } => true,
                _ => false,
            };
            if (!local)
                return true;
        }

        return false;
    }

    /// <summary>True when the instance lives on the GC heap for sure (a class instance, an array element, a field of one).</summary>
    private static bool IsHeapObject(IOperation? instance) => instance switch
    {
        null => false,
        { Type.IsReferenceType: true } => true,
        IFieldReferenceOperation field => field.Field.IsStatic || IsHeapObject(field.Instance),
        IArrayElementReferenceOperation => true,
        _ => false,
    };

    private static bool IsCalledOn(MethodFacts facts, ILocalSymbol local, string methodName) =>
        facts.ReferencesTo(local).Any(reference =>
            reference.Parent is IInvocationOperation call && call.Instance == reference && call.TargetMethod.Name == methodName);

    private static bool IsUsingVariable(MethodFacts facts, ILocalSymbol local) =>
        facts.Operations.OfType<IVariableDeclaratorOperation>().Any(declarator =>
            SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
            && declarator.Parent?.Parent?.Parent is IUsingDeclarationOperation or IUsingOperation);

    private static IOperation? FirstChild(IOperation operation) => operation.ChildOperations.FirstOrDefault();
}
