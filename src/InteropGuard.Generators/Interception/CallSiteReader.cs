// CallSiteReader.cs: the transform stage of the interceptor generator: turns an invocation of a [DllImport]/[LibraryImport] method into a CallSiteModel; runs per invocation, reads symbols and keeps none.
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InteropGuard.Generators.Interception;

/// <summary>Decides whether an invocation is an interceptable P/Invoke call and describes it as data.</summary>
internal static class CallSiteReader
{
    /// <summary>Structs with more pointer fields than this are checked up to this many (the rest pass unchecked).</summary>
    internal const int MaxFieldsPerStruct = 16;

    private const string LibraryImportAttribute = "System.Runtime.InteropServices.LibraryImportAttribute";
    private const string MarshalAsAttribute = "System.Runtime.InteropServices.MarshalAsAttribute";
    private const string UnsafeAccessorTypeAttribute = "System.Runtime.CompilerServices.UnsafeAccessorTypeAttribute";
    private const int UnmanagedTypeLPWStr = 21;
    private const int StringMarshallingUtf16 = 2;
    private const int CharSetUnicode = 3;

    /// <summary>Fully qualified, with nullable annotations: how generated code names types.</summary>
    internal static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat ShortTypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>What <paramref name="context"/>'s invocation is: a site to intercept, a P/Invoke call the generator
    /// must skip (and say so), or null when it is not a call of a P/Invoke or the user opted out.</summary>
    public static CallSiteRead? Read(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        return context.Node is InvocationExpressionSyntax invocation ? ReadSite(invocation, context.SemanticModel, readRepeated: true, cancellationToken) : null;
    }

    /// <summary>The model of <paramref name="invocation"/>, or null when it is not an interceptable call of a P/Invoke;
    /// <paramref name="readRepeated"/> false leaves <see cref="CallSiteModel.RepeatedArguments"/> empty (the
    /// previous call of a repeated argument is read this way).</summary>
    internal static CallSiteModel? Read(InvocationExpressionSyntax invocation, SemanticModel model, bool readRepeated, CancellationToken cancellationToken) =>
        ReadSite(invocation, model, readRepeated, cancellationToken)?.Site;

    private static CallSiteRead? ReadSite(InvocationExpressionSyntax invocation, SemanticModel model, bool readRepeated, CancellationToken cancellationToken)
    {
        // Method groups, delegate and function-pointer invocations are not calls of the method itself.
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
            || !method.IsStatic || method.IsGenericMethod)
        {
            return null;
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            // A local `static extern` function is a P/Invoke the generated file cannot name.
            return method.MethodKind == MethodKind.LocalFunction && IsPInvoke(method, out _, out _)
                ? Skipped(SkipReason.NotInterceptable, method, invocation, "it is a local extern function, which generated code cannot call",
                    "declare the P/Invoke as a static method of a type")
                : null;
        }

        IMethodSymbol declaration = method.PartialDefinitionPart ?? method;
        if (!IsPInvoke(declaration, out bool isLibraryImport, out bool utf16Strings))
        {
            return null;
        }

        if (NotInterceptedScope.Covers(declaration) || IsInExpressionTree(invocation, model, cancellationToken))
        {
            return null;
        }

        ISymbol? enclosing = model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
        if (NotInterceptedScope.Covers(enclosing))
        {
            return null;
        }

        Compilation compilation = model.Compilation;
        TargetModel? target = ReadTarget(declaration, compilation, isLibraryImport, utf16Strings, InterceptorsNamespaces(invocation.SyntaxTree),
            out SkipReason reason, out string problem, out string wayOut);
        if (target is null)
        {
            return Skipped(reason, declaration, invocation, problem, wayOut);
        }

        InterceptableLocation? location = model.GetInterceptableLocation(invocation, cancellationToken);
        if (location is null)
        {
            return Skipped(SkipReason.NotInterceptable, declaration, invocation, "the compiler offers no interceptable location for this call",
                "call it by name, Type.Method(...)");
        }

        FileLinePositionSpan span = NameLocation(invocation).GetLineSpan();
        return new CallSiteRead(new CallSiteModel(target, location.Version, location.Data, location.GetDisplayLocation(), invocation.SyntaxTree.FilePath,
            span.StartLinePosition.Line + 1, CallerName(enclosing), NullArguments(invocation, model, cancellationToken),
            readRepeated ? RepeatedArgumentReader.Read(invocation, target, model, cancellationToken) : EquatableArray<string>.Empty,
            target.Host is null ? RawHandles(invocation, model, cancellationToken) : EquatableArray<RawHandleModel>.Empty), null);
    }

    /// <summary>The arguments written as <c>owner.DangerousGetHandle()</c> of a SafeHandle, through conversions (casts,
    /// <c>(void*)</c>) and parentheses, with the interceptable location of that call. Wrappers generated inside a partial
    /// host type get none: an interceptor of an instance method must be an extension method, which a nested class cannot
    /// declare.</summary>
    private static EquatableArray<RawHandleModel> RawHandles(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
        {
            return EquatableArray<RawHandleModel>.Empty;
        }

        ImmutableArray<RawHandleModel>.Builder found = ImmutableArray.CreateBuilder<RawHandleModel>();
        foreach (Microsoft.CodeAnalysis.Operations.IArgumentOperation argument in operation.Arguments)
        {
            IOperation value = argument.Value;
            while (value is Microsoft.CodeAnalysis.Operations.IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (argument.Parameter is not { } parameter
                || value is not Microsoft.CodeAnalysis.Operations.IInvocationOperation { TargetMethod: { Name: "DangerousGetHandle", IsStatic: false } getHandle, Instance: not null }
                || getHandle.ContainingType?.ToDisplayString() != "System.Runtime.InteropServices.SafeHandle"
                || value.Syntax is not InvocationExpressionSyntax call
                || model.GetInterceptableLocation(call, cancellationToken) is not { } location)
            {
                continue;
            }

            found.Add(new RawHandleModel(parameter.Name, location.Version, location.Data, location.GetDisplayLocation()));
        }

        return new EquatableArray<RawHandleModel>(found.ToImmutable());
    }

    /// <summary>A skipped call of <paramref name="method"/>, located at the called name.</summary>
    private static CallSiteRead Skipped(SkipReason reason, IMethodSymbol method, InvocationExpressionSyntax invocation, string problem, string wayOut)
    {
        Location where = NameLocation(invocation);
        FileLinePositionSpan lines = where.GetLineSpan();
        string target = (method.ContainingType is { } type ? type.Name + "." : "") + method.Name;
        return new CallSiteRead(null, new SkippedCallSite(reason, target, problem, wayOut, invocation.SyntaxTree.FilePath, where.SourceSpan.Start, where.SourceSpan.Length,
            lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character));
    }

    /// <summary>The parameters whose argument is a compile-time constant null or zero (<c>null</c>, <c>0</c>,
    /// <c>default</c>, a <c>const</c> zero); <c>IntPtr.Zero</c> is a field, not a constant, and is not among them.</summary>
    private static EquatableArray<string> NullArguments(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
        {
            return EquatableArray<string>.Empty;
        }

        ImmutableArray<string>.Builder names = ImmutableArray.CreateBuilder<string>();
        foreach (Microsoft.CodeAnalysis.Operations.IArgumentOperation argument in operation.Arguments)
        {
            if (argument.Parameter is not { } parameter || argument.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit)
            {
                continue;
            }

            // null converted to a pointer type is not a constant itself; its operand is.
            IOperation value = argument.Value;
            while (!value.ConstantValue.HasValue && value is Microsoft.CodeAnalysis.Operations.IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value.ConstantValue is { HasValue: true, Value: var constant } && IsZero(constant))
            {
                names.Add(parameter.Name);
            }
        }

        return new EquatableArray<string>(names.ToImmutable());
    }

    private static bool IsZero(object? value) => value switch
    {
        null => true,
        int i => i == 0,
        long l => l == 0,
        uint u => u == 0,
        ulong ul => ul == 0,
        nint n => n == 0,
        nuint un => un == 0,
        _ => false,
    };

    /// <summary>[DllImport] (a pseudo-attribute, visible as DllImportData in source and metadata) or [LibraryImport].</summary>
    internal static bool IsPInvoke(IMethodSymbol method, out bool isLibraryImport, out bool utf16Strings)
    {
        isLibraryImport = false;
        utf16Strings = false;
        DllImportData? dllImport = method.GetDllImportData();
        if (dllImport is not null)
        {
            utf16Strings = (int)dllImport.CharacterSet == CharSetUnicode;
            return true;
        }

        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != LibraryImportAttribute)
            {
                continue;
            }

            isLibraryImport = true;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "StringMarshalling" && named.Value.Value is int value)
                {
                    utf16Strings = value == StringMarshallingUtf16;
                }
            }

            return true;
        }

        return false;
    }

    private static TargetModel? ReadTarget(IMethodSymbol method, Compilation compilation, bool isLibraryImport, bool utf16Strings, string[] interceptorsNamespaces,
        out SkipReason reason, out string problem, out string wayOut)
    {
        IAssemblySymbol assembly = compilation.Assembly;
        INamedTypeSymbol? containing = method.ContainingType;
        reason = SkipReason.NotInterceptable;
        problem = "";
        wayOut = "";
        if (containing is null || containing.IsGenericType)
        {
            problem = "it is declared in a generic type, which an interceptor cannot name for every instantiation";
            wayOut = "declare the P/Invoke in a non-generic type";
            return null;
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            problem = "it returns by reference";
            wayOut = "return a pointer or a value instead";
            return null;
        }

        // A signature naming a private nested type: the wrappers go inside the P/Invoke's type when it can host them.
        ITypeSymbol? hidden = !IsAccessible(method.ReturnType, compilation) ? method.ReturnType
            : method.Parameters.Select(p => p.Type).FirstOrDefault(t => !IsAccessible(t, compilation));
        HostModel? host = null;
        if (hidden is not null)
        {
            host = Host(containing, compilation, interceptorsNamespaces, out string why);
            if (host is null)
            {
                return NotNameable(hidden, why, out reason, out problem, out wayOut);
            }
        }

        bool accessible = host is not null || compilation.IsSymbolAccessibleWithin(method, assembly);
        if (!accessible && compilation.GetTypeByMetadataName(UnsafeAccessorTypeAttribute) is null)
        {
            problem = "it is private, and calling a private P/Invoke from generated code needs UnsafeAccessorTypeAttribute (.NET 10)";
            wayOut = "make the P/Invoke internal, or target .NET 10";
            return null;
        }

        var parameters = ImmutableArray.CreateBuilder<ParameterModel>(method.Parameters.Length);
        var display = new System.Text.StringBuilder();
        display.Append(containing.Name).Append('.').Append(method.Name).Append('(');
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            parameters.Add(ReadParameter(parameter, compilation, isLibraryImport, utf16Strings));
            if (parameter.Ordinal > 0)
            {
                display.Append(", ");
            }

            string refKind = parameter.RefKind switch
            {
                RefKind.Ref => "ref ",
                RefKind.Out => "out ",
                RefKind.In => "in ",
                RefKind.RefReadOnlyParameter => "ref readonly ",
                _ => "",
            };
            display.Append(refKind).Append(parameter.Type.ToDisplayString(ShortTypeFormat)).Append(' ').Append(parameter.Name);
        }

        display.Append(')');
        return new TargetModel(
            method.GetDocumentationCommentId() ?? method.ToDisplayString(),
            containing.ToDisplayString(TypeFormat),
            AccessorTypeName(containing),
            method.Name,
            method.ReturnType.ToDisplayString(TypeFormat),
            method.ReturnsVoid,
            accessible,
            display.ToString(),
            new EquatableArray<ParameterModel>(parameters.MoveToImmutable()),
            host);
    }

    /// <summary>The namespaces the compilation allows interceptors in (<c>InterceptorsNamespaces</c>, as the compiler
    /// reads it from the parse options' features).</summary>
    private static string[] InterceptorsNamespaces(SyntaxTree tree) =>
        tree.Options.Features.TryGetValue("InterceptorsNamespaces", out string? list)
            ? list.Split(';').Select(n => n.Trim()).Where(n => n.Length > 0).ToArray()
            : System.Array.Empty<string>();

    /// <summary>The host of wrappers generated inside <paramref name="type"/>: every type from it outwards declared
    /// <c>partial</c> in this project, none generic, in a namespace InterceptorsNamespaces covers (the compiler's rule:
    /// a listed namespace or one inside it). Null with the reason otherwise.</summary>
    private static HostModel? Host(INamedTypeSymbol type, Compilation compilation, string[] interceptorsNamespaces, out string why)
    {
        var declarations = new System.Collections.Generic.List<string>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            bool partial = t.DeclaringSyntaxReferences.Length > 0 && !t.IsGenericType && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, compilation.Assembly)
                && t.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)));
            if (!partial)
            {
                why = $"make '{t.Name}' partial (the wrapper is then generated inside it) or make";
                return null;
            }

            string keyword = t.IsRecord ? (t.IsValueType ? "record struct" : "record") : t.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
            declarations.Insert(0, (t.IsStatic ? "static " : "") + "partial " + keyword + " " + t.Name);
        }

        INamespaceSymbol ns = type.ContainingNamespace;
        string name = ns.IsGlobalNamespace ? "" : ns.ToDisplayString();
        if (name.Length == 0 || !interceptorsNamespaces.Any(n => name == n || name.StartsWith(n + ".", System.StringComparison.Ordinal)))
        {
            why = name.Length == 0
                ? $"move '{type.Name}' into a namespace listed in InterceptorsNamespaces (the package lists the project's RootNamespace) or make"
                : $"add {name} to <InterceptorsNamespaces> (the package lists the project's RootNamespace) or make";
            return null;
        }

        why = "";
        string hint = "InteropGuard.Interceptors." + name + "." + string.Join(".", declarations.Select(d => d.Substring(d.LastIndexOf(' ') + 1))) + ".g.cs";
        return new HostModel(name, new EquatableArray<string>(declarations.ToImmutableArray()), hint);
    }

    /// <summary>IG1101 for a signature type generated code cannot name (a private or protected nested type) whose
    /// containing type cannot host the wrapper (<paramref name="why"/> ends with "or make").</summary>
    private static TargetModel? NotNameable(ITypeSymbol type, string why, out SkipReason reason, out string problem, out string wayOut)
    {
        reason = SkipReason.TypeNotNameable;
        ITypeSymbol named = type;
        while (named is IPointerTypeSymbol or IArrayTypeSymbol)
        {
            named = named is IPointerTypeSymbol pointer ? pointer.PointedAtType : ((IArrayTypeSymbol)named).ElementType;
        }

        string name = named.Name;
        for (INamedTypeSymbol? outer = named.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + "." + name;
        }

        string accessibility = named.DeclaredAccessibility.ToString().ToLowerInvariant();
        problem = $"the {accessibility} type '{name}'";
        wayOut = $"{why} '{name}' internal";
        return null;
    }

    private static ParameterModel ReadParameter(IParameterSymbol parameter, Compilation compilation, bool isLibraryImport, bool utf16Strings)
    {
        ITypeSymbol type = parameter.Type;
        RefKind refKind = parameter.RefKind;
        string refText = refKind switch
        {
            RefKind.Ref => "ref",
            RefKind.Out => "out",
            RefKind.In => "in",
            RefKind.RefReadOnlyParameter => "ref readonly",
            _ => "",
        };
        bool byValue = refKind == RefKind.None;
        bool flowsIn = refKind != RefKind.Out;
        ArgumentKind kind = ArgumentKind.PassThrough;
        string? element = null;
        var fields = EquatableArray<FieldModel>.Empty;

        if (!byValue && flowsIn && (type.SpecialType == SpecialType.System_IntPtr || type.TypeKind == TypeKind.Pointer))
        {
            kind = ArgumentKind.RefPointer; // ref to a pointer slot (an element of an nint[], a pointer field)
        }
        else if (type is IPointerTypeSymbol slot && flowsIn && (slot.PointedAtType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
            || slot.PointedAtType.SpecialType == SpecialType.System_IntPtr))
        {
            kind = ArgumentKind.PointerSlot;
        }
        else if (type is IPointerTypeSymbol pointer && flowsIn)
        {
            kind = ArgumentKind.Pointer;
            if (IsPlainStruct(pointer.PointedAtType))
            {
                fields = PointerFields(pointer.PointedAtType, compilation);
                if (fields.Count > 0)
                {
                    kind = ArgumentKind.StructPointer;
                    element = pointer.PointedAtType.ToDisplayString(TypeFormat);
                }
            }
        }
        else if (type.TypeKind == TypeKind.FunctionPointer && flowsIn)
        {
            kind = ArgumentKind.Pointer;
        }
        else if (type.SpecialType == SpecialType.System_IntPtr && flowsIn)
        {
            kind = ArgumentKind.PointerSized;
        }
        else if (IsPlainStruct(type) && flowsIn)
        {
            fields = PointerFields(type, compilation);
            kind = fields.Count > 0 ? ArgumentKind.StructFields : ArgumentKind.PassThrough;
        }
        else if (type is IArrayTypeSymbol array && byValue && array.IsSZArray && IsPinnable(array.ElementType, utf16Strings))
        {
            kind = ArgumentKind.PinnedArray;
            element = array.ElementType.ToDisplayString(TypeFormat);
        }
        else if (byValue && isLibraryImport && IsSpan(type, out ITypeSymbol? spanElement) && IsPinnable(spanElement!, utf16Strings))
        {
            kind = ArgumentKind.PinnedSpan;
            element = spanElement!.ToDisplayString(TypeFormat);
        }
        else if (type.SpecialType == SpecialType.System_String && byValue && IsUtf16(parameter, utf16Strings))
        {
            kind = ArgumentKind.PinnedString;
            element = "char";
        }
        else if (type.TypeKind == TypeKind.Delegate && byValue && type is INamedTypeSymbol { IsGenericType: false })
        {
            // The analyzer's rule (IG1003) decides whether native code keeps the delegate after the call.
            kind = parameter.ContainingSymbol is IMethodSymbol pinvoke && Analyzers.RetainingNativeApis.WhyRetained(pinvoke, parameter) is not null
                ? ArgumentKind.RetainedCallback
                : ArgumentKind.Callback;
        }
        else if (byValue && DerivesFrom(type, "System.Runtime.InteropServices.SafeHandle"))
        {
            kind = ArgumentKind.SafeHandle;
        }

        return new ParameterModel(parameter.Name, type.ToDisplayString(TypeFormat), refText, parameter.ScopedKind != ScopedKind.None,
            parameter.IsParams, kind, element, fields);
    }

    /// <summary>The pointer-typed fields of <paramref name="type"/> (T*, function pointers, nint/IntPtr), then those of
    /// structs embedded in it (one level, accessible paths only). Pointers are not followed.</summary>
    private static EquatableArray<FieldModel> PointerFields(ITypeSymbol type, Compilation compilation)
    {
        var result = ImmutableArray.CreateBuilder<FieldModel>();
        IAssemblySymbol assembly = compilation.Assembly;
        string declaring = type.ToDisplayString(TypeFormat);
        foreach (IFieldSymbol field in InstanceFields(type))
        {
            if (result.Count >= MaxFieldsPerStruct)
            {
                break;
            }

            bool accessible = compilation.IsSymbolAccessibleWithin(field, assembly);
            if (IsPointerLike(field.Type, out bool isPointer))
            {
                if (accessible || IsAccessible(field.Type, compilation))
                {
                    result.Add(new FieldModel(field.Name, accessible ? null : field.Name, field.Type.ToDisplayString(TypeFormat), declaring, isPointer));
                }
            }
            else if (accessible && IsPlainStruct(field.Type))
            {
                foreach (IFieldSymbol inner in InstanceFields(field.Type))
                {
                    if (result.Count >= MaxFieldsPerStruct)
                    {
                        break;
                    }

                    if (IsPointerLike(inner.Type, out bool innerIsPointer) && compilation.IsSymbolAccessibleWithin(inner, assembly))
                    {
                        result.Add(new FieldModel(field.Name + "." + inner.Name, null, inner.Type.ToDisplayString(TypeFormat),
                            field.Type.ToDisplayString(TypeFormat), innerIsPointer));
                    }
                }
            }
        }

        return new EquatableArray<FieldModel>(result.ToImmutable());
    }

    private static System.Collections.Generic.IEnumerable<IFieldSymbol> InstanceFields(ITypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false, IsFixedSizeBuffer: false } field && !field.IsImplicitlyDeclared)
            {
                yield return field;
            }
        }
    }

    private static bool IsPointerLike(ITypeSymbol type, out bool isPointer)
    {
        isPointer = type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer;
        return isPointer || type.SpecialType == SpecialType.System_IntPtr;
    }

    /// <summary>A user struct (not a primitive, enum or nullable) whose layout is blittable.</summary>
    private static bool IsPlainStruct(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Struct && type.SpecialType == SpecialType.None && type.IsUnmanagedType
        && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;

    /// <summary>Element types the marshaller passes in place (pins) rather than copies: blittable, not bool, char only as UTF-16.</summary>
    private static bool IsPinnable(ITypeSymbol element, bool utf16Strings)
    {
        if (!element.IsUnmanagedType || element.TypeKind == TypeKind.Pointer || element.TypeKind == TypeKind.FunctionPointer)
        {
            return false;
        }

        return element.SpecialType switch
        {
            SpecialType.System_Boolean => false,
            SpecialType.System_Char => utf16Strings,
            _ => true,
        };
    }

    private static bool IsSpan(ITypeSymbol type, out ITypeSymbol? element)
    {
        element = null;
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && named.ContainingNamespace?.ToDisplayString() == "System"
            && (named.Name == "Span" || named.Name == "ReadOnlySpan"))
        {
            element = named.TypeArguments[0];
            return true;
        }

        return false;
    }

    /// <summary>A string the marshaller pins: UTF-16 by the method's charset/StringMarshalling, or [MarshalAs(LPWStr)].</summary>
    private static bool IsUtf16(IParameterSymbol parameter, bool utf16Strings)
    {
        foreach (AttributeData attribute in parameter.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == MarshalAsAttribute && attribute.ConstructorArguments.Length == 1)
            {
                object? value = attribute.ConstructorArguments[0].Value;
                return value is int unmanagedType && unmanagedType == UnmanagedTypeLPWStr;
            }
        }

        return utf16Strings;
    }

    private static bool DerivesFrom(ITypeSymbol type, string fullName)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == fullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Can code anywhere in the compiled assembly name <paramref name="type"/> (pointers, arrays and type arguments included)?</summary>
    private static bool IsAccessible(ITypeSymbol type, Compilation compilation) =>
        type is not ITypeParameterSymbol && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly);

    /// <summary><c>Ns.Outer+Inner, Assembly</c>: the type name <c>[UnsafeAccessorType]</c> resolves.</summary>
    private static string AccessorTypeName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
        {
            name = ns.ToDisplayString() + "." + name;
        }

        return name + ", " + type.ContainingAssembly.Name;
    }

    /// <summary>Calls inside a lambda converted to an expression tree are data, not calls.</summary>
    private static bool IsInExpressionTree(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode ancestor in invocation.Ancestors())
        {
            if (ancestor is LambdaExpressionSyntax lambda
                && model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol { Name: "Expression" } converted
                && converted.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions")
            {
                return true;
            }

            if (ancestor is MemberDeclarationSyntax)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>The location of the called method's name (what a user reads as the line of the call).</summary>
    private static Location NameLocation(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.GetLocation(),
        _ => invocation.Expression.GetLocation(),
    };

    /// <summary><c>Type.Method</c> of the member holding the call, the way reports name callers: lambdas count as their
    /// method, local functions by their own name, accessors by their property, top-level statements as <c>Program.Main</c>.</summary>
    internal static string CallerName(ISymbol? symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda)
        {
            symbol = lambda.ContainingSymbol;
        }

        if (symbol is null)
        {
            return "";
        }

        string name = symbol switch
        {
            IMethodSymbol { AssociatedSymbol: { } associated } => associated.Name,
            IMethodSymbol { Name: "<Main>$" } => "Main",
            _ => symbol.Name,
        };
        INamedTypeSymbol? type = symbol.ContainingType;
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } && type is null)
        {
            symbol = symbol.ContainingSymbol;
            type = symbol?.ContainingType;
        }

        return type is null ? name : type.Name + "." + name;
    }
}
