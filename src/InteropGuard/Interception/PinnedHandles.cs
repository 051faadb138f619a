// PinnedHandles.cs: the pinned GCHandles the user's code allocates, tracked as pins so the validator's exit sweep reports one never freed (leaked-pin) and a pointer used after Free is a use-after-unpin; called by generated interceptors of GCHandle.Alloc and GCHandle.Free.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.InteropServices;
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Shadow;

namespace InteropGuard.Interception;

/// <summary>What a generated interceptor does for <c>GCHandle.Alloc(value, type)</c> and <c>handle.Free()</c> in the
/// user's code: the same calls, and, for a <see cref="GCHandleType.Pinned"/> handle in modes 1 and 2, a pin range in the
/// shadow table from Alloc to Free. Handles the runtime or other assemblies allocate are never seen, so never reported.
/// A tracked handle freed where no interceptor saw it (another assembly) is found at exit by its target and released
/// then, before the exit sweep. For generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class PinnedHandles
{
    /// <summary><c>GCHandle.Alloc(value, type)</c>, tracked when <paramref name="type"/> is Pinned.</summary>
    /// <param name="value">The object to hold.</param>
    /// <param name="type">The kind of handle.</param>
    /// <param name="site">The call site.</param>
    public static GCHandle Alloc(object? value, GCHandleType type, GuardedCallSite site)
    {
        GCHandle handle = GCHandle.Alloc(value, type);
        if (type == GCHandleType.Pinned && value is not null && GuardRuntime.Enabled && GuardRuntime.Mode != GuardMode.Release)
        {
            Track(handle, value, site);
        }

        return handle;
    }

    /// <summary><c>handle.Free()</c>; releases the pin range first when the handle is tracked.</summary>
    /// <param name="handle">The handle to free.</param>
    /// <param name="site">The call site (the release site reports name).</param>
    public static void Free(ref GCHandle handle, GuardedCallSite site)
    {
        if (GuardRuntime.Enabled && handle.IsAllocated && TrackedHandleTable.TryTake(GCHandle.ToIntPtr(handle), out TrackedHandle tracked))
        {
            Release(tracked, site.Source);
        }

        handle.Free();
    }

    /// <summary>Releases the ranges of tracked handles that were freed where no interceptor saw it (their slot no longer
    /// holds the object). Called at exit, before the exit sweep; never throws.</summary>
    internal static void ReleaseFreedElsewhere()
    {
        foreach (KeyValuePair<nint, TrackedHandle> pair in TrackedHandleTable.Snapshot())
        {
            object? held;
            try
            {
                held = GCHandle.FromIntPtr(pair.Key).Target;
            }
            catch (InvalidOperationException)
            {
                held = null;
            }

            // null: collected, so no pinned handle held it any more
            object? pinned = pair.Value.Weak.IsAllocated ? pair.Value.Weak.Target : PinLogHandles.TargetOf(pair.Value.Id);
            if ((pinned is null || !ReferenceEquals(held, pinned)) && TrackedHandleTable.TryTake(pair.Key, out TrackedHandle gone))
            {
                Release(gone, null);
            }
        }
    }

    private static void Track(GCHandle handle, object value, GuardedCallSite site)
    {
        nint pointer = handle.AddrOfPinnedObject();
        nint length = value switch
        {
            string s => (nint)s.Length * sizeof(char),
            Array a when a.Length > 0 => (Marshal.UnsafeAddrOfPinnedArrayElement(a, 1) - pointer) * a.Length, // element size from the pinned layout
            Array => 0,
            _ => IntPtr.Size, // a pinned blittable object: its first word at least
        };
        uint flags = value is string ? IgConstants.FlagManagedString : 0;
        ulong id = PinLogHandles.Register(value, (void*)pointer, (nuint)length, flags, site.SiteId, 0, "pinned GCHandles", out GCHandle weak);
        if (id == 0)
        {
            return;
        }

        TrackedHandleTable.Add(GCHandle.ToIntPtr(handle), new TrackedHandle(id, weak, pointer));
    }

    private static void Release(TrackedHandle tracked, SourceSite? site)
    {
        RangeRegistration.Release(tracked.Id, site);
        if (tracked.Weak.IsAllocated)
        {
            PinSideTable.Add(tracked.Id, tracked.Weak, tracked.Pointer, 0); // a pin the log could not hold: the side table owns its weak handle now
        }
    }
}
