// NotInterceptedAttribute.cs: opts code out of the generated P/Invoke checks; read by the InteropGuard generator at compile time.
using System;

namespace InteropGuard.Interception;

/// <summary>Leaves P/Invoke calls unchecked. On a method or type that <em>makes</em> calls: the calls inside it (and
/// its nested types) are not intercepted, nor are its <c>GCHandle.Alloc</c> and <c>Free</c> calls (its pinned handles
/// are not tracked as pins). On a P/Invoke or a type that <em>declares</em> P/Invokes: no call to them is
/// intercepted, in this project or any project that uses them. Use it for measured hot paths and for code that must
/// stay byte-for-byte the direct call; it has no effect at run time.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property,
    Inherited = false, AllowMultiple = false)]
public sealed class NotInterceptedAttribute : Attribute
{
}
