// NestedPointerEmitter.cs: writes a wrapper's checks for unpinned managed memory: pointer arguments themselves, then the one level Go's cgocheck=1 follows (struct fields, pointer slots, ref'd pointers, pointer-sized array elements).
using System.Collections.Generic;

namespace InteropGuard.Generators.Interception;

/// <summary>The part of a checked wrapper that reads what an argument holds rather than the argument itself
/// (docs/design/generator.md, "Nested pointers"). Written right before the call, inside the call-scoped pins.</summary>
internal static class NestedPointerEmitter
{
    private const string Runtime = InterceptorEmitter.Runtime;
    private const string CompilerServices = "global::System.Runtime.CompilerServices";

    /// <summary>One <c>CheckPinnedArgument</c> per pointer argument and one <c>CheckNestedPointer</c> per followed pointer of
    /// <paramref name="parameters"/>; private fields are read
    /// through accessors added to <paramref name="accessors"/> (declared after the wrapper).</summary>
    public static void Write(SourceWriter w, List<ParameterModel> parameters, List<(string Key, string Declaration)> accessors, int t)
    {
        foreach (ParameterModel p in parameters)
        {
            string id = InterceptorEmitter.ParameterId(p.Name);
            if (p.Kind is ArgumentKind.Pointer or ArgumentKind.PointerSized or ArgumentKind.StructPointer or ArgumentKind.PointerSlot)
            {
                // The pointer itself (mode 2): into the GC heap, it must be pinned. ref/in/array arguments are pinned by the marshaller.
                w.Line($"{Runtime}.CheckPinnedArgument((nint){id}, {InterceptorEmitter.Literal(p.Name)}, __ig_site);");
            }

            switch (p.Kind)
            {
                case ArgumentKind.StructPointer:
                    w.Line($"if (__ig_read_{p.Name})");
                    w.Open();
                    foreach (FieldModel f in p.Fields)
                    {
                        string read = f.AccessorFieldName is null ? $"{id}->{InterceptorEmitter.Path(f.Path)}" : $"{InterceptorEmitter.Accessor(accessors, t, f)}(ref *{id})";
                        w.Line($"{Runtime}.CheckNestedPointer((nint){read}, {InterceptorEmitter.Literal(p.Name + "->" + f.Path)}, __ig_site);");
                    }

                    w.Close();
                    break;
                case ArgumentKind.StructFields:
                    foreach (FieldModel f in p.Fields)
                    {
                        string self = p.RefKind is "in" or "ref readonly" ? $"ref {CompilerServices}.Unsafe.AsRef(in {id})" : $"ref {id}";
                        string read = f.AccessorFieldName is null ? $"{id}.{InterceptorEmitter.Path(f.Path)}" : $"{InterceptorEmitter.Accessor(accessors, t, f)}({self})";
                        w.Line($"{Runtime}.CheckNestedPointer((nint){read}, {InterceptorEmitter.Literal(p.Name + "." + f.Path)}, __ig_site);");
                    }

                    break;
                case ArgumentKind.PointerSlot:
                    w.Line($"{Runtime}.CheckPointerSlot((void*){id}, {InterceptorEmitter.Literal("*" + p.Name)}, __ig_site);");
                    break;
                case ArgumentKind.RefPointer:
                    w.Line($"{Runtime}.CheckNestedPointer((nint){id}, {InterceptorEmitter.Literal("*" + p.Name)}, __ig_site);");
                    break;
                case ArgumentKind.PinnedArray when p.ElementTypeName is "nint" or "global::System.IntPtr":
                    w.Line($"{Runtime}.CheckNestedElements({id}, {InterceptorEmitter.Literal(p.Name)}, __ig_site);");
                    break;
            }
        }
    }
}
