// Descriptors.cs: the one list of IG1xxx diagnostic descriptors (title, message, description, help link); read by every analyzer.
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Analyzers;

/// <summary>Every analyzer diagnostic. Messages say the problem, the consequence at run time and the way out; the help
/// link is the check's page under docs/checks (relative to the repository root until the project has a public home).</summary>
internal static class Descriptors
{
    /// <summary>The category every InteropGuard diagnostic shares (used by .editorconfig category-wide severity settings).</summary>
    public const string Category = "InteropGuard";

    /// <summary>Where the check pages live.</summary>
    public const string DocsRoot = "docs/checks/";

    public static readonly DiagnosticDescriptor PointerOutlivesPin = Create(
        DiagnosticIds.PointerOutlivesPin,
        "pointer-outlives-pin",
        "A pointer outlives the pin that keeps it valid",
        "The pointer from {0} is {1} and outlives its pin ({2}); once the GC moves or frees the object the stored pointer dangles: keep the pin for as long as the pointer is kept, or copy the data to native memory",
        "A pointer into managed memory is valid only while the memory is pinned: inside its 'fixed' block, until GCHandle.Free, "
        + "or until the MemoryHandle is disposed; Unsafe.AsPointer does not pin at all. Storing such a pointer in a field, a static, "
        + "an out parameter or native memory, or returning it, lets it outlive the pin: after the next GC compaction it points at "
        + "another object or at free space, and reads and writes through it corrupt the heap or crash far from the cause. "
        + "Keep a pin (a GCHandle field, a Pin) alive as long as the pointer is stored, or copy the data into native memory.");

    public static readonly DiagnosticDescriptor UnpinnedAddressToNative = Create(
        DiagnosticIds.UnpinnedAddressToNative,
        "unpinned-address-to-native",
        "The address of movable managed memory is passed to native code without a pin",
        "Argument '{0}' of {1} is the address of {2}, which nothing pins; the GC can move it while native code reads or writes it: pin it with 'fixed' (or a pinned GCHandle) around the call, or pass the array or a 'ref' and let the marshaller pin it",
        "Unsafe.AsPointer takes the address of a location without pinning it. For a field of a class instance or an array "
        + "element that location is on the GC heap, and a GC during the native call (any other thread can trigger one) may move "
        + "the object: native code then reads or writes memory that now belongs to another object. Pin the object for the "
        + "duration of the call with a 'fixed' statement or a pinned GCHandle, or declare the P/Invoke parameter as an array or "
        + "'ref' so the marshaller pins it.");

    public static readonly DiagnosticDescriptor DelegateNotKeptAlive = Create(
        DiagnosticIds.DelegateNotKeptAlive,
        "delegate-not-kept-alive",
        "A delegate handed to native code is not kept alive",
        "{0} is {1}, but nothing keeps it alive after that; the GC can collect it and native code then calls into a freed thunk: store it in a field (or a GCHandle) for as long as native code may call it, or call GC.KeepAlive after the last native use",
        "Marshalling a delegate to native code creates a thunk that lives only as long as the delegate object. Native APIs that "
        + "keep a callback (registration functions, parameters marked [RetainedByNative], function pointers from "
        + "Marshal.GetFunctionPointerForDelegate) call it after the marshalling call has returned; if the delegate was a "
        + "temporary (a lambda or method group converted at the call) or a local that is not used afterwards, the GC collects "
        + "it and the next callback jumps into freed memory (a crash or 'A callback was made on a garbage collected delegate'). "
        + "Keep the delegate in a field or a GCHandle until native code can no longer call it, or end the native use before "
        + "a GC.KeepAlive(delegate) call.");

    public static readonly DiagnosticDescriptor GCHandleNotFreed = Create(
        DiagnosticIds.GCHandleNotFreed,
        "gchandle-not-freed",
        "A GCHandle is not freed on every path",
        "The GCHandle {0} {1}; the handle and its object leak (a pinned handle also keeps the object from moving, fragmenting the heap): call Free in a finally block, or store or return the handle if another owner frees it",
        "Every GCHandle.Alloc needs exactly one Free. A handle allocated into a local and not freed on some path out of the "
        + "method leaks a handle-table slot and keeps its object alive for the rest of the process; a pinned handle also "
        + "stops the GC from compacting around the object. Free the handle in a finally block. Handles that are stored "
        + "in a field, returned, passed on or turned into an IntPtr with GCHandle.ToIntPtr are treated as handed over and not "
        + "reported.");

    public static readonly DiagnosticDescriptor GCHandleFreedTwice = Create(
        DiagnosticIds.GCHandleFreedTwice,
        "gchandle-freed-twice",
        "A GCHandle is freed twice",
        "The GCHandle '{0}' may already have been freed (line {1}) when Free is called here; freeing it again throws InvalidOperationException, and a copy of the handle freed twice releases a slot that may belong to another object by then: free it once, or check IsAllocated first",
        "GCHandle.Free releases the handle-table slot and clears the variable it was called on. Calling Free again on the "
        + "same variable throws InvalidOperationException; calling it on another copy of the same handle releases a slot that "
        + "may already hold another object's handle, silently freeing someone else's handle. Free each handle on exactly one "
        + "path, or guard the call with IsAllocated.");

    public static readonly DiagnosticDescriptor DangerousHandleNotKeptAlive = Create(
        DiagnosticIds.DangerousHandleNotKeptAlive,
        "dangerous-handle-not-kept-alive",
        "A raw handle from DangerousGetHandle is passed to native code while its SafeHandle may be released",
        "The handle from '{0}.DangerousGetHandle()' reaches {1}, but nothing keeps '{0}' referenced or its handle open during the call; its finalizer or a Dispose on another thread can close the handle and native code then uses a closed or reused handle: pass the SafeHandle itself, or wrap the call in DangerousAddRef/DangerousRelease, or call GC.KeepAlive({0}) after it",
        "DangerousGetHandle returns the raw handle without counting a use. If the SafeHandle becomes unreachable during the "
        + "native call (its last managed use was the DangerousGetHandle call), its finalizer can run and close the handle "
        + "while native code still uses it; a concurrent Dispose does the same. The operating system can hand the same "
        + "handle value to a new object, so the call acts on the wrong file or socket. Pass the SafeHandle to the P/Invoke "
        + "(the marshaller adds a reference for the call), or bracket the call with DangerousAddRef/DangerousRelease, or "
        + "at least keep the owner reachable with GC.KeepAlive after the call.");

    public static readonly DiagnosticDescriptor PooledArrayUseAfterReturn = Create(
        DiagnosticIds.PooledArrayUseAfterReturn,
        "pooled-array-use-after-return",
        "A pooled array is used after it was returned to the ArrayPool",
        "'{0}' is {1} after it was returned to the pool (line {2}); the pool may already have handed the array to another renter and the two overwrite each other's data: return it after its last use, or set the variable to null right after Return",
        "ArrayPool<T>.Return gives the array back for reuse; the next Rent, on any thread, can get the same array. Reading, "
        + "writing or passing the array (or a span or memory over it) after Return races with the new owner: data leaks "
        + "between requests or is silently corrupted, and a second Return puts the array in the pool twice so two renters "
        + "share it. Move Return after the last use (a finally block), and clear the variable after returning it.");

    private static DiagnosticDescriptor Create(string id, string name, string title, string message, string description) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: DocsRoot + id + "-" + name + ".md");
}
