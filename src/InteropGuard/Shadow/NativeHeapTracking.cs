// NativeHeapTracking.cs: starts native-heap tracking in mode 2 (the libraries' malloc/free imports routed through libinteropguard, docs/design/native-heap.md).
using System.IO;
using InteropGuard.Native;

namespace InteropGuard.Shadow;

/// <summary>Mode 2 start-up of native-heap tracking: every non-runtime native library loaded now or later (and
/// libSystem.Native, behind <c>NativeMemory</c> and <c>Marshal.AllocHGlobal</c>) has its allocations recorded so the
/// validator scans them. <c>native_heap=0</c> turns it off.</summary>
internal static class NativeHeapTracking
{
    /// <summary>True once the native side hooks libraries.</summary>
    public static bool Running { get; private set; }

    /// <summary>Installs the hooks; says once why when they cannot run (never throws: the rest of the guard keeps working).</summary>
    /// <param name="warnings">Where the one warning goes.</param>
    public static void Start(TextWriter warnings)
    {
        IgStatus status = IgNative.ig_heap_install();
        if (status == IgStatus.Ok)
        {
            Running = true;
            return;
        }

        if (IgNative.ig_option_int("native_heap") == 0)
        {
            return; // turned off on purpose: nothing to say
        }

        warnings.WriteLine(status == IgStatus.NoMem
            ? "InteropGuard: warning: the native-heap registry could not be mapped; memory native libraries allocate is not scanned (lower native_heap_blocks)"
            : "InteropGuard: warning: native-heap tracking is not available on this platform (Linux x86-64 and AArch64 only); memory native libraries allocate is not scanned");
    }
}
