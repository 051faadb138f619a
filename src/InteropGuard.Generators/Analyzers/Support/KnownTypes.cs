// KnownTypes.cs: the framework types the analyzers recognise, resolved once per compilation at compilation start.
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>Framework types by metadata name; a null member means the compilation cannot see that type (then the
/// rules that need it register nothing).</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation)
    {
        Unsafe = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
        GCHandle = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.GCHandle");
        MemoryHandle = compilation.GetTypeByMetadataName("System.Buffers.MemoryHandle");
        Marshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal");
        MemoryMarshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal");
        GC = compilation.GetTypeByMetadataName("System.GC");
        SafeHandle = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.SafeHandle");
        ArrayPool = compilation.GetTypeByMetadataName("System.Buffers.ArrayPool`1");
        Memory = compilation.GetTypeByMetadataName("System.Memory`1");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
        ArraySegment = compilation.GetTypeByMetadataName("System.ArraySegment`1");
    }

    public INamedTypeSymbol? Unsafe { get; }
    public INamedTypeSymbol? GCHandle { get; }
    public INamedTypeSymbol? MemoryHandle { get; }
    public INamedTypeSymbol? Marshal { get; }
    public INamedTypeSymbol? MemoryMarshal { get; }
    public INamedTypeSymbol? GC { get; }
    public INamedTypeSymbol? SafeHandle { get; }
    public INamedTypeSymbol? ArrayPool { get; }
    public INamedTypeSymbol? Memory { get; }
    public INamedTypeSymbol? ReadOnlyMemory { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? ArraySegment { get; }

    public static KnownTypes Create(Compilation compilation) => new(compilation);

    /// <summary>True when <paramref name="method"/> is <paramref name="type"/>.<paramref name="name"/> (any overload).</summary>
    public static bool IsMethod(IMethodSymbol? method, INamedTypeSymbol? type, string name) =>
        method != null && type != null && method.Name == name
        && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);

    /// <summary>True when <paramref name="type"/> is <paramref name="baseType"/> or derives from it (generic definitions compared).</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType == null)
            return false;
        for (var t = type; t != null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="type"/> is a constructed form of the generic definition <paramref name="definition"/>.</summary>
    public static bool IsGeneric(ITypeSymbol? type, INamedTypeSymbol? definition) =>
        type != null && definition != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition);
}
