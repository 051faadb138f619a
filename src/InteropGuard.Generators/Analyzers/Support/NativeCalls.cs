// NativeCalls.cs: recognises calls into native code ([DllImport], [LibraryImport], unmanaged function pointers) and names them for messages.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Reflection.Metadata;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>Which operations call native code, and with which arguments.</summary>
internal static class NativeCalls
{
    private const string LibraryImportAttribute = "System.Runtime.InteropServices.LibraryImportAttribute";

    /// <summary>True for a P/Invoke: an extern method with [DllImport], or a partial method with [LibraryImport] (either part).</summary>
    public static bool IsPInvoke(IMethodSymbol? method)
    {
        if (method == null)
            return false;
        method = method.OriginalDefinition;
        if (method.GetDllImportData() != null)
            return true;
        return HasLibraryImport(method)
            || (method.PartialDefinitionPart != null && HasLibraryImport(method.PartialDefinitionPart))
            || (method.PartialImplementationPart != null && HasLibraryImport(method.PartialImplementationPart));
    }

    /// <summary>The native entry point name: [DllImport(EntryPoint=...)] or [LibraryImport(EntryPoint=...)], else the method name.</summary>
    public static string EntryPoint(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        var dllImport = method.GetDllImportData();
        if (dllImport?.EntryPointName is { Length: > 0 } entry)
            return entry;
        foreach (var candidate in new[] { method, method.PartialDefinitionPart, method.PartialImplementationPart })
        {
            if (candidate == null)
                continue;
            foreach (var attribute in candidate.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != LibraryImportAttribute)
                    continue;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "EntryPoint" && named.Value.Value is string { Length: > 0 } name)
                        return name;
                }
            }
        }

        return method.Name;
    }

    /// <summary>True when <paramref name="operation"/> calls native code: a P/Invoke or an unmanaged function pointer.</summary>
    public static bool IsNativeCall(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => IsPInvoke(invocation.TargetMethod),
        IFunctionPointerInvocationOperation pointerCall =>
            pointerCall.GetFunctionPointerSignature().CallingConvention != SignatureCallingConvention.Default,
        _ => false,
    };

    /// <summary>The arguments of a native call (empty for other operations).</summary>
    public static ImmutableArray<IArgumentOperation> Arguments(IOperation call) => call switch
    {
        IInvocationOperation invocation => invocation.Arguments,
        IFunctionPointerInvocationOperation pointerCall => pointerCall.Arguments,
        _ => ImmutableArray<IArgumentOperation>.Empty,
    };

    /// <summary>How a message names the callee: "Native.SetCallback", or "an unmanaged function pointer".</summary>
    public static string Describe(IOperation call) => call switch
    {
        IInvocationOperation invocation => invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name,
        _ => "an unmanaged function pointer",
    };

    /// <summary>Every native call among <paramref name="operations"/>.</summary>
    public static IEnumerable<IOperation> In(IEnumerable<IOperation> operations)
    {
        foreach (var operation in operations)
        {
            if (IsNativeCall(operation))
                yield return operation;
        }
    }

    private static bool HasLibraryImport(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == LibraryImportAttribute)
                return true;
        }

        return false;
    }
}
