// RetainedByNativeAttribute.cs: marks a P/Invoke parameter whose callback native code keeps after the call; read at compile time by the IG1003 analyzer, nothing at run time.
using System;

namespace InteropGuard;

/// <summary>
/// Says that native code keeps the delegate (or function pointer) passed in this P/Invoke parameter and calls it after
/// the call has returned, as a registration function does. The IG1003 analyzer (<c>delegate-not-kept-alive</c>) then
/// requires the delegate to be kept alive: stored in a field or static, held by a <c>GCHandle</c>, or followed by
/// <c>GC.KeepAlive</c>. A lambda or method group converted at the call is reported, because the GC can collect it
/// as soon as the call returns.
/// </summary>
/// <remarks>
/// The analyzer matches the attribute by its full name, <c>InteropGuard.RetainedByNativeAttribute</c>, so a library
/// that does not reference InteropGuard can declare its own internal copy with that name. The attribute has no
/// effect at run time.
/// <code>
/// [DllImport("mylib")]
/// static extern void mylib_set_log_callback([RetainedByNative] LogCallback callback);
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class RetainedByNativeAttribute : Attribute
{
}
