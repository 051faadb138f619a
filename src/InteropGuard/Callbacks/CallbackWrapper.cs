// CallbackWrapper.cs: builds, once per delegate type, the IL of the wrapper a GuardedCallback gives native code: test the released flag, then call the user's delegate, else return default.
using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;

namespace InteropGuard.Callbacks;

/// <summary>The wrapper is a <see cref="DynamicMethod"/> with the signature of <c>T.Invoke</c> plus a leading
/// <see cref="CallbackTrampoline"/>, bound to the trampoline as a delegate of type T. Being of type T, it marshals
/// exactly like the user's delegate (same parameter marshalling, calling convention and attributes on T). IL:
/// <code>
/// if (!trampoline.Enter()) return default;
/// return ((T)trampoline.Target).Invoke(arg1, ..., argN);
/// </code>
/// Expression trees are not used because they reject pointer parameters. Needs dynamic code (JIT); without it
/// (NativeAOT) <see cref="TryCreate{T}"/> returns null and the callback is tracked without a wrapper.</summary>
internal static class CallbackWrapper
{
    private static readonly ConcurrentDictionary<Type, DynamicMethod> s_methods = new();

    /// <summary>A wrapper of type <typeparamref name="T"/> bound to <paramref name="trampoline"/>; null without dynamic code.</summary>
    public static T? TryCreate<T>(CallbackTrampoline trampoline)
        where T : Delegate
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            return null; // NativeAOT: no wrapper (tracked, but a late call is not caught)
        }

        if (!s_methods.TryGetValue(typeof(T), out DynamicMethod? method))
        {
            method = s_methods.GetOrAdd(typeof(T), Build(typeof(T))); // a racing build is discarded
        }

        return (T)method.CreateDelegate(typeof(T), trampoline);
    }

    [RequiresDynamicCode("Emits the wrapper's IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Invoke of a delegate type is always kept: the runtime calls it.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "CallbackTrampoline's members are referenced statically.")]
    private static DynamicMethod Build(Type delegateType)
    {
        MethodInfo invoke = delegateType.GetMethod("Invoke") ?? throw new ArgumentException($"{delegateType} has no Invoke method.");
        ParameterInfo[] parameters = invoke.GetParameters();
        var types = new Type[parameters.Length + 1];
        types[0] = typeof(CallbackTrampoline);
        for (int i = 0; i < parameters.Length; i++)
        {
            types[i + 1] = parameters[i].ParameterType;
        }

        Type result = invoke.ReturnType;
        var method = new DynamicMethod("InteropGuard.GuardedCallback<" + delegateType.Name + ">", result, types, typeof(CallbackTrampoline), skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        Label released = il.DefineLabel();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(CallbackTrampoline).GetMethod(nameof(CallbackTrampoline.Enter))!);
        il.Emit(OpCodes.Brfalse, released);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(CallbackTrampoline).GetField(nameof(CallbackTrampoline.Target))!);
        il.Emit(OpCodes.Castclass, delegateType);
        for (int i = 1; i < types.Length; i++)
        {
            il.Emit(OpCodes.Ldarg, (short)i);
        }

        il.Emit(OpCodes.Callvirt, invoke);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(released);
        if (result != typeof(void))
        {
            if (result.IsPointer || result.IsFunctionPointer)
            {
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Conv_U);
            }
            else if (!result.IsValueType)
            {
                il.Emit(OpCodes.Ldnull);
            }
            else
            {
                LocalBuilder zero = il.DeclareLocal(result);
                il.Emit(OpCodes.Ldloca, zero);
                il.Emit(OpCodes.Initobj, result);
                il.Emit(OpCodes.Ldloc, zero);
            }
        }

        il.Emit(OpCodes.Ret);
        return method;
    }
}
