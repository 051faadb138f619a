// RawHandleCall.cs: the token a generated interceptor holds across one P/Invoke call whose arguments include DangerousGetHandle() values: the SafeHandles referenced for the call.
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace InteropGuard.Interception;

/// <summary>What <see cref="GuardedCall.TakeRawHandles"/> hands a generated interceptor and it passes back to
/// <see cref="GuardedCall.EndRawHandles"/>: the SafeHandles whose raw values the call received, each referenced for the
/// call and watched through weak GC handles. For generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RawHandleCall
{
    internal RawHandleCall(List<Entry> entries) => Entries = entries;

    internal List<Entry> Entries { get; }

    /// <summary>One referenced handle: its raw value, the parameter, the type's name, where a GuardedSafeHandle was
    /// created, a short weak handle (cleared once the GC finds it unreachable) and a long one (reaches it until collected).</summary>
    internal readonly record struct Entry(nint Value, string Argument, string TypeName, SourceSite? CreatedAt, GCHandle Weak, GCHandle Tracked);
}
