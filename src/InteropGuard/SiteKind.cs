// SiteKind.cs: what a SourceSite stands for: a place in the user's source, or a typed stand-in where no source line did the deed (the GC's finalizer thread, an unnamed closer, native code with no managed caller); Reporting/SiteWording words each.
namespace InteropGuard;

/// <summary>The kind of a <see cref="SourceSite"/>. Checks pass a kind, never a sentence: the formatters word it.</summary>
internal enum SiteKind
{
    /// <summary>A member, file and line from caller information or a stack walk.</summary>
    Recorded,

    /// <summary>A recorded Dispose caller that ran on the finalizer thread (an owner's finalizer disposed the handle).</summary>
    OnFinalizerThread,

    /// <summary>The GC's finalizer thread released a GuardedSafeHandle nothing disposed or kept alive (no member, no file).</summary>
    FinalizerOfUndisposedHandle,

    /// <summary>The GC's finalizer thread queued a SafeHandle whose raw value a call used: nothing kept it reachable (no member, no file).</summary>
    FinalizerOfUnreachableHandle,

    /// <summary>A plain SafeHandle was closed by Dispose, Close or a finalizer; it does not say which (no member, no file).</summary>
    UnnamedHandleCloser,

    /// <summary>Native code called back on a thread with no managed caller (no member, no file).</summary>
    NativeThreadWithoutCaller,

    /// <summary>Native code found the violation and no managed frame with source is on the stack (no member, no file).</summary>
    NativeCode,
}
