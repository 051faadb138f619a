// CallSiteModel.cs: the equatable pipeline models of the interceptor generator (a call site, its P/Invoke target, each parameter and checked field); plain data, no symbols or syntax.
namespace InteropGuard.Generators.Interception;

/// <summary>What the wrapper does with one argument (docs/design/generator.md, "Arguments").</summary>
internal enum ArgumentKind
{
    /// <summary>Passed through unchanged (numbers, out parameters, copied strings, anything not pointer-like).</summary>
    PassThrough = 0,
    /// <summary><c>T*</c>, <c>void*</c>, function pointers: the boundary check of the value.</summary>
    Pointer,
    /// <summary><c>nint</c> / <c>IntPtr</c>: the boundary check (an unknown address, usually a handle, passes).</summary>
    PointerSized,
    /// <summary><c>S*</c> where S has pointer fields: the check over sizeof(S), then S's pointer fields when the block is tracked.</summary>
    StructPointer,
    /// <summary>A struct with pointer fields by value, <c>ref</c> or <c>in</c>: the nested check of each pointer field.</summary>
    StructFields,
    /// <summary><c>T**</c>, <c>void**</c>, <c>nint*</c>: the boundary check of the pointer, then the nested check of the
    /// word it points at when that word is readable.</summary>
    PointerSlot,
    /// <summary><c>ref</c>/<c>in</c> of <c>nint</c>, <c>IntPtr</c> or <c>T*</c>: the nested check of the value (the
    /// marshaller pins the reference itself).</summary>
    RefPointer,
    /// <summary>An array of blittable elements the marshaller pins: a call-scoped pin; <c>nint[]</c>/<c>IntPtr[]</c>
    /// elements get the nested check too (argv-style tables).</summary>
    PinnedArray,
    /// <summary><c>Span&lt;T&gt;</c>/<c>ReadOnlySpan&lt;T&gt;</c> of a [LibraryImport]: a call-scoped pin.</summary>
    PinnedSpan,
    /// <summary>A string marshalled as UTF-16 (pinned, not copied): a call-scoped pin.</summary>
    PinnedString,
    /// <summary>A delegate marshalled to a function pointer that native code uses only during the call: a call-scoped callback range.</summary>
    Callback,
    /// <summary>A delegate native code keeps after the call (<c>[RetainedByNative]</c>, a known registration API): a
    /// retained callback range, tracked until the delegate is collected.</summary>
    RetainedCallback,
    /// <summary>A SafeHandle: in flight during the call, handle-released-in-use when closed meanwhile.</summary>
    SafeHandle,
}

/// <summary>One pointer-typed field checked in a struct argument.</summary>
internal sealed record FieldModel
{
    public FieldModel(string path, string? accessorFieldName, string fieldTypeName, string declaringTypeName, bool isPointer)
    {
        Path = path;
        AccessorFieldName = accessorFieldName;
        FieldTypeName = fieldTypeName;
        DeclaringTypeName = declaringTypeName;
        IsPointer = isPointer;
    }

    /// <summary>The member path from the argument, <c>Data</c> or <c>Inner.Data</c> (also the text reports show).</summary>
    public string Path { get; }

    /// <summary>The field's name when it is not accessible from generated code (read through an UnsafeAccessor); null when <see cref="Path"/> can be used directly.</summary>
    public string? AccessorFieldName { get; }

    /// <summary>The field's type, fully qualified.</summary>
    public string FieldTypeName { get; }

    /// <summary>The struct declaring the field, fully qualified.</summary>
    public string DeclaringTypeName { get; }

    /// <summary>True for <c>T*</c> and function pointers (need unsafe code to read), false for <c>nint</c>/<c>IntPtr</c>.</summary>
    public bool IsPointer { get; }
}

/// <summary>One parameter of the P/Invoke and what the wrapper does with it.</summary>
internal sealed record ParameterModel
{
    public ParameterModel(string name, string typeName, string refKind, bool isScoped, bool isParams, ArgumentKind kind, string? elementTypeName, EquatableArray<FieldModel> fields)
    {
        Name = name;
        TypeName = typeName;
        RefKind = refKind;
        IsScoped = isScoped;
        IsParams = isParams;
        Kind = kind;
        ElementTypeName = elementTypeName;
        Fields = fields;
    }

    /// <summary>The parameter name as written (without @).</summary>
    public string Name { get; }

    /// <summary>The type, fully qualified with nullable annotations.</summary>
    public string TypeName { get; }

    /// <summary>"", "ref", "in", "out" or "ref readonly".</summary>
    public string RefKind { get; }

    /// <summary>Declared <c>scoped</c>.</summary>
    public bool IsScoped { get; }

    /// <summary>Declared <c>params</c>.</summary>
    public bool IsParams { get; }

    public ArgumentKind Kind { get; }

    /// <summary>Pins: the element type (char for strings); StructPointer: the struct type; else null.</summary>
    public string? ElementTypeName { get; }

    /// <summary>StructPointer and StructFields: the pointer fields checked.</summary>
    public EquatableArray<FieldModel> Fields { get; }
}

/// <summary>A partial type of the project inside which wrappers are generated because the P/Invoke's signature names
/// a private nested type of it (docs/design/generator.md, "Private nested types").</summary>
internal sealed record HostModel
{
    public HostModel(string namespaceName, EquatableArray<string> declarations, string hintName)
    {
        NamespaceName = namespaceName;
        Declarations = declarations;
        HintName = hintName;
    }

    /// <summary>The namespace, <c>App.Interop</c> (never the global namespace: it cannot be listed in InterceptorsNamespaces).</summary>
    public string NamespaceName { get; }

    /// <summary>The partial declarations from the outermost type in, e.g. <c>static partial class Outer</c>, <c>partial class Sorter</c>.</summary>
    public EquatableArray<string> Declarations { get; }

    /// <summary>The name of the generated file, unique per host type.</summary>
    public string HintName { get; }
}

/// <summary>The P/Invoke a call site calls.</summary>
internal sealed record TargetModel
{
    public TargetModel(string key, string containingTypeName, string accessorTypeName, string methodName, string returnTypeName, bool returnsVoid,
        bool isAccessible, string display, EquatableArray<ParameterModel> parameters, HostModel? host = null)
    {
        Host = host;
        Key = key;
        ContainingTypeName = containingTypeName;
        AccessorTypeName = accessorTypeName;
        MethodName = methodName;
        ReturnTypeName = returnTypeName;
        ReturnsVoid = returnsVoid;
        IsAccessible = isAccessible;
        Display = display;
        Parameters = parameters;
    }

    /// <summary>A unique id of the method (its documentation comment id).</summary>
    public string Key { get; }

    /// <summary>The declaring type, fully qualified (<c>global::Ns.Native</c>).</summary>
    public string ContainingTypeName { get; }

    /// <summary>The declaring type as <c>[UnsafeAccessorType]</c> spells it (<c>Ns.Outer+Native, Assembly</c>).</summary>
    public string AccessorTypeName { get; }

    public string MethodName { get; }

    public string ReturnTypeName { get; }

    public bool ReturnsVoid { get; }

    /// <summary>False for private/protected P/Invokes: called through an UnsafeAccessor.</summary>
    public bool IsAccessible { get; }

    /// <summary><c>Native.Sum(nint p, nuint n)</c>, frame #0 of reports.</summary>
    public string Display { get; }

    public EquatableArray<ParameterModel> Parameters { get; }

    /// <summary>Null: wrappers go to the shared generated class. Else the partial type they are generated in.</summary>
    public HostModel? Host { get; }
}

/// <summary>An argument of an intercepted call written as <c>owner.DangerousGetHandle()</c> (through casts or
/// parentheses): the generator intercepts that <c>DangerousGetHandle</c> call too, so the wrapper knows which SafeHandle
/// the raw value came from (docs/design/generator.md, "Raw handles").</summary>
internal sealed record RawHandleModel
{
    public RawHandleModel(string parameterName, int locationVersion, string locationData, string displayLocation)
    {
        ParameterName = parameterName;
        LocationVersion = locationVersion;
        LocationData = locationData;
        DisplayLocation = displayLocation;
    }

    /// <summary>The P/Invoke parameter the raw value is passed to (as reports name it).</summary>
    public string ParameterName { get; }

    /// <summary><c>InterceptableLocation.Version</c> of the <c>DangerousGetHandle</c> call.</summary>
    public int LocationVersion { get; }

    /// <summary><c>InterceptableLocation.Data</c> of the <c>DangerousGetHandle</c> call.</summary>
    public string LocationData { get; }

    /// <summary><c>file(line,col)</c> of the <c>DangerousGetHandle</c> call, written as a comment.</summary>
    public string DisplayLocation { get; }
}

/// <summary>One intercepted call: where it is and what it calls.</summary>
internal sealed record CallSiteModel
{
    public CallSiteModel(TargetModel target, int locationVersion, string locationData, string displayLocation, string file, int line, string caller,
        EquatableArray<string> nullArguments, EquatableArray<string> repeatedArguments, EquatableArray<RawHandleModel> rawHandles = default)
    {
        RawHandles = rawHandles;
        NullArguments = nullArguments;
        RepeatedArguments = repeatedArguments;
        Target = target;
        LocationVersion = locationVersion;
        LocationData = locationData;
        DisplayLocation = displayLocation;
        File = file;
        Line = line;
        Caller = caller;
    }

    public TargetModel Target { get; }

    /// <summary><c>InterceptableLocation.Version</c>.</summary>
    public int LocationVersion { get; }

    /// <summary><c>InterceptableLocation.Data</c> (encodes the file's checksum and the call's position).</summary>
    public string LocationData { get; }

    /// <summary><c>file(line,col)</c>, written as a comment beside the attribute.</summary>
    public string DisplayLocation { get; }

    /// <summary>The calling file's path as the compiler sees it.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the called method's name.</summary>
    public int Line { get; }

    /// <summary>The calling member, <c>Type.Method</c>.</summary>
    public string Caller { get; }

    /// <summary>The parameters this call passes a constant null pointer or zero to (<c>null</c>, <c>0</c>,
    /// <c>default</c>): nothing the shadow table could know, so light wrappers do not check them.</summary>
    public EquatableArray<string> NullArguments { get; }

    /// <summary>The parameters whose argument the intercepted call of the statement just before already checked, with
    /// nothing that could release it in between (<see cref="RepeatedArgumentReader"/>): light wrappers skip their
    /// release-mode check; modes 1 and 2 still check them.</summary>
    public EquatableArray<string> RepeatedArguments { get; }

    /// <summary>The arguments written as <c>owner.DangerousGetHandle()</c>, in argument order; empty for most calls.</summary>
    public EquatableArray<RawHandleModel> RawHandles { get; }
}

/// <summary>Why a P/Invoke call site got no wrapper (each reason is one build diagnostic).</summary>
internal enum SkipReason
{
    /// <summary>The signature names a private or protected nested type outside a partial type chain (IG1101).</summary>
    TypeNotNameable,
    /// <summary>No interceptor can replace the call (IG1103).</summary>
    NotInterceptable,
}

/// <summary>A P/Invoke call site the generator does not intercept, with what the diagnostic says about it. The
/// location is kept as text and numbers (no syntax tree), so the model stays equatable.</summary>
internal sealed record SkippedCallSite
{
    public SkippedCallSite(SkipReason reason, string target, string problem, string wayOut, string file, int start, int length, int line, int column, int endLine, int endColumn)
    {
        Reason = reason;
        Target = target;
        Problem = problem;
        WayOut = wayOut;
        File = file;
        Start = start;
        Length = length;
        Line = line;
        Column = column;
        EndLine = endLine;
        EndColumn = endColumn;
    }

    public SkipReason Reason { get; }

    /// <summary>The P/Invoke, <c>Native.Sort</c>.</summary>
    public string Target { get; }

    /// <summary>IG1101: the type that cannot be named; IG1103: why the call cannot be intercepted.</summary>
    public string Problem { get; }

    /// <summary>IG1101: the containing type to make partial; IG1103: what to change.</summary>
    public string WayOut { get; }

    public string File { get; }

    public int Start { get; }

    public int Length { get; }

    /// <summary>0-based, as <c>LinePosition</c>.</summary>
    public int Line { get; }

    public int Column { get; }

    public int EndLine { get; }

    public int EndColumn { get; }
}

/// <summary>What stage 3 read from one invocation: a site to intercept, a P/Invoke call it must skip, or neither
/// (null from the reader: not a P/Invoke call, or opted out with [NotIntercepted]).</summary>
internal sealed record CallSiteRead
{
    public CallSiteRead(CallSiteModel? site, SkippedCallSite? skipped)
    {
        Site = site;
        Skipped = skipped;
    }

    public CallSiteModel? Site { get; }

    public SkippedCallSite? Skipped { get; }
}
