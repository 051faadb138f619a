// UnpinnedAddressToNativeAnalyzer.cs: IG1002, the address of movable managed memory (Unsafe.AsPointer of a class field or array element) passed to native code without a pin; runs in the compiler on every method body.
using System.Collections.Immutable;
using System.Linq;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// IG1002 unpinned-address-to-native. An argument of a native call (P/Invoke or unmanaged function pointer) whose value
/// comes, through locals, casts and pointer arithmetic, from <c>Unsafe.AsPointer(ref x)</c> where <c>x</c> lives on
/// the GC heap: a field of a class instance (or of a struct inside one), an array element,
/// <c>MemoryMarshal.GetArrayDataReference(a)</c>, or <c>Unsafe.Add</c> of one of these. (<c>&amp;obj.field</c> without
/// <c>fixed</c> is already compiler error CS0212.) Not reported when the object is pinned in the same method: a
/// <c>fixed</c> statement over the same variable that encloses the call, a pinned GCHandle.Alloc of it, a
/// <c>Memory.Pin()</c> over it, or a local array from <c>GC.AllocateArray(..., pinned: true)</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnpinnedAddressToNativeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UnpinnedAddressToNative);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.Unsafe == null)
                return;
            BlockTrigger.Register(
                start,
                required: 3,
                operation => (operation is IInvocationOperation invocation && KnownTypes.IsMethod(invocation.TargetMethod, types.Unsafe, "AsPointer") ? 1 : 0)
                    | (NativeCalls.IsNativeCall(operation) ? 2 : 0),
                block => Analyze(block, types),
                OperationKind.Invocation, OperationKind.FunctionPointerInvocation);
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, KnownTypes types)
    {
        var facts = MethodFacts.Build(context.OperationBlocks, context.OwningSymbol);
        foreach (var call in NativeCalls.In(facts.Operations))
        {
            foreach (var argument in NativeCalls.Arguments(call))
            {
                foreach (var origin in ValueOrigins.Of(argument.Value, facts))
                {
                    if (origin is not IInvocationOperation asPointer
                        || !KnownTypes.IsMethod(asPointer.TargetMethod, types.Unsafe, "AsPointer")
                        || asPointer.Arguments.Length != 1)
                        continue;
                    var location = asPointer.Arguments[0].Value;
                    if (!IsMovable(location, types, out var root))
                        continue;
                    var owner = MethodFacts.VariableOf(root);
                    if (owner != null && IsPinned(owner, call, facts, types))
                        continue;
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.UnpinnedAddressToNative,
                        argument.Syntax.GetLocation(),
                        argument.Parameter?.Name ?? argument.Syntax.ToString(),
                        NativeCalls.Describe(call),
                        Describe(location)));
                    break;
                }
            }
        }
    }

    /// <summary>True when the location is inside a GC heap object; <paramref name="root"/> is the expression for that
    /// object (the array, or the class instance whose field it is).</summary>
    private static bool IsMovable(IOperation location, KnownTypes types, out IOperation? root)
    {
        root = null;
        switch (location)
        {
            case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance }:
                if (instance.Type?.IsReferenceType == true)
                {
                    root = instance;
                    return true;
                }

                return IsMovable(instance, types, out root); // a struct field: movable if the struct is
            case IArrayElementReferenceOperation element:
                root = element.ArrayReference;
                return true;
            case IInvocationOperation { Arguments.Length: 1 } invocation
                when KnownTypes.IsMethod(invocation.TargetMethod, types.MemoryMarshal, "GetArrayDataReference"):
                root = invocation.Arguments[0].Value;
                return true;
            case IInvocationOperation { Arguments.Length: >= 1 } invocation
                when KnownTypes.IsMethod(invocation.TargetMethod, types.Unsafe, "Add")
                    || KnownTypes.IsMethod(invocation.TargetMethod, types.Unsafe, "AddByteOffset"):
                return IsMovable(invocation.Arguments[0].Value, types, out root);
            default:
                return false;
        }
    }

    private static bool IsPinned(ISymbol owner, IOperation call, MethodFacts facts, KnownTypes types)
    {
        // A fixed statement over the same variable that encloses the call.
        foreach (var statement in facts.FixedStatements)
        {
            if (statement.Syntax.Span.Contains(call.Syntax.Span) && Declarations(statement).Any(d => Mentions(d, owner)))
                return true;
        }

        foreach (var operation in facts.Operations)
        {
            switch (operation)
            {
                // GCHandle.Alloc(owner, GCHandleType.Pinned)
                case IInvocationOperation { Arguments.Length: 2 } alloc
                    when KnownTypes.IsMethod(alloc.TargetMethod, types.GCHandle, "Alloc")
                    && SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(alloc.Arguments[0].Value), owner)
                    && alloc.Arguments[1].Value.ConstantValue is { HasValue: true, Value: 3 }: // GCHandleType.Pinned
                    return true;
                // owner.AsMemory().Pin(), new Memory<T>(owner).Pin()
                case IInvocationOperation { TargetMethod.Name: "Pin", Instance: { } memory } pin
                    when (KnownTypes.IsGeneric(pin.TargetMethod.ContainingType, types.Memory) || KnownTypes.IsGeneric(pin.TargetMethod.ContainingType, types.ReadOnlyMemory))
                    && Mentions(memory, owner):
                    return true;
            }
        }

        // A local array allocated on the pinned object heap.
        if (owner is ILocalSymbol local)
        {
            foreach (var value in facts.AssignedValues(local))
            {
                if (MethodFacts.Unwrap(value) is IInvocationOperation allocation
                    && (KnownTypes.IsMethod(allocation.TargetMethod, types.GC, "AllocateArray") || KnownTypes.IsMethod(allocation.TargetMethod, types.GC, "AllocateUninitializedArray"))
                    && allocation.Arguments.Any(a => a.Parameter?.Name == "pinned" && a.Value.ConstantValue is { HasValue: true, Value: true }))
                    return true;
            }
        }

        return false;
    }

    private static IOperation[] Declarations(IOperation fixedStatement) =>
        fixedStatement.ChildOperations.OfType<IVariableDeclarationGroupOperation>().Cast<IOperation>().ToArray();

    private static bool Mentions(IOperation operation, ISymbol variable) =>
        operation.DescendantsAndSelf().Any(o =>
            o is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation
            && SymbolEqualityComparer.Default.Equals(MethodFacts.VariableOf(o), variable));

    private static string Describe(IOperation location) => location switch
    {
        IFieldReferenceOperation field => $"field '{field.Field.Name}' of a heap object",
        IArrayElementReferenceOperation element => $"an element of the array '{element.ArrayReference.Syntax}'",
        _ => $"'{location.Syntax}' (inside a GC heap object)",
    };
}
