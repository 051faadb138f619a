// HeapScenarios.cs: target states where a native library's own heap (tests/native/igheapholder.c) or a NativeMemory block holds a managed pointer or a callback entry, each with a correct twin.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.ValidatorTargets;

internal static unsafe partial class Scenarios
{
    /// <summary>The ways igheapholder.c allocates a holding block (IGH_*), by the name a scenario carries.</summary>
    public static readonly string[] HolderWays =
        ["malloc", "calloc", "realloc-moved", "posix-memalign", "aligned-alloc", "memalign", "new", "mmap-sized", "thread-arena"];

    private static readonly Dictionary<string, Scenario> s_heapScenarios = HeapScenarioTable();

    private static Dictionary<string, Scenario> HeapScenarioTable()
    {
        var table = new Dictionary<string, Scenario>(StringComparer.Ordinal)
        {
            ["heap-nativememory"] = HeapNativeMemory,
            ["heap-callback"] = HeapCallback,
            ["heap-load"] = HeapLoad,
        };
        for (int how = 0; how < HolderWays.Length; how++)
        {
            int way = how;
            table["heap-kept-" + HolderWays[how]] = bug => HeapKept(bug, way);
        }

        return table;
    }

    private static GCHandle s_pinHandle;
    private static void* s_nativeBlock;

    /// <summary>Tracking as mode 2 starts it (this target runs in mode 1): native_heap=0 leaves it off.</summary>
    private static void StartHeapTracking()
    {
        int status = HeapNative.Install();
        Console.Error.WriteLine("heap tracking: " + status.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The holder library keeps a pointer 16 bytes into an array in a block it allocated the way
    /// <paramref name="how"/> says (igheapholder.c's IGH_*, named in <see cref="HolderWays"/>), then the GC compacts (bug:
    /// the array was pinned only by `fixed`); correct: a pinned GCHandle pins the array while the library holds it.</summary>
    private static IEnumerable<ulong> HeapKept(bool bug, int how)
    {
        StartHeapTracking();
        s_garbage = new byte[4000];
        s_array = new byte[256];
        HoldArray(how, pinned: !bug);
        s_garbage = null;
        Compact();
        yield return 0;
    }

    /// <summary>Managed code stores an array's address in a NativeMemory block (libSystem.Native's malloc), then the GC
    /// compacts (bug: not pinned); correct: the array lives on the pinned object heap.</summary>
    private static IEnumerable<ulong> HeapNativeMemory(bool bug)
    {
        StartHeapTracking();
        s_garbage = new byte[4000];
        s_array = bug ? new byte[256] : GC.AllocateArray<byte>(256, pinned: true);
        StoreInNativeMemory();
        s_garbage = null;
        Compact();
        yield return 0;
    }

    /// <summary>The holder library keeps a callback's entry in its heap; the callback is released and its delegate
    /// collected (bug) or kept registered and alive (correct).</summary>
    private static IEnumerable<ulong> HeapCallback(bool bug)
    {
        StartHeapTracking();
        nint entry = RegisterHeapCallback(dropDelegate: bug);
        HoldEntry(entry);
        Compact();
        Compact();
        yield return 0;
    }

    /// <summary>The pause benchmark's native-heap target: `heap-load ok &lt;native MiB&gt; &lt;pins&gt; &lt;heap MiB&gt;`. The
    /// holder library allocates the native MiB in 64 KiB blocks (tracked) of random bytes, each holding one pointer into
    /// one of the retained pins; the managed heap is live byte arrays.</summary>
    private static IEnumerable<ulong> HeapLoad(bool bug)
    {
        StartHeapTracking();
        int nativeMb = Arg(0, 16), pins = Arg(1, 100), heapMb = Arg(2, 500);
        var heap = new List<byte[]>();
        for (long bytes = 0; bytes < (long)heapMb << 20; bytes += 8192)
        {
            heap.Add(new byte[8192 - 32]);
        }

        s_heap = heap;
        var pinned = new List<Pin>();
        for (int i = 0; i < pins; i++)
        {
            pinned.Add(Guard.Pin(new byte[256]).RetainedByNative());
        }

        s_pins = pinned;
        FillLibraryHeap(nativeMb, pinned);
        yield return 0;
    }

    private static void FillLibraryHeap(int nativeMb, List<Pin> pins)
    {
        const int BlockBytes = 64 * 1024;
        var random = new Random(1);
        for (long i = 0; i < ((long)nativeMb << 20) / BlockBytes; i++)
        {
            byte* block = (byte*)HeapNative.Malloc(BlockBytes);
            var span = new Span<byte>(block, BlockBytes);
            random.NextBytes(span);
            long target = pins.Count == 0 ? 0 : pins[random.Next(pins.Count)].Pointer + 8;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(span, target);
        }
    }

    private static void HoldArray(int how, bool pinned)
    {
        if (!pinned)
        {
            fixed (byte* p = s_array)
            {
                HeapNative.Hold(how, p + 16);
            }

            return;
        }

        s_pinHandle = GCHandle.Alloc(s_array, GCHandleType.Pinned);
        HeapNative.Hold(how, (byte*)s_pinHandle.AddrOfPinnedObject() + 16);
    }

    private static void StoreInNativeMemory()
    {
        s_nativeBlock = NativeMemory.Alloc(64);
        fixed (byte* p = s_array)
        {
            ((nint*)s_nativeBlock)[3] = (nint)(p + 8);
        }
    }

    private static void HoldEntry(nint entry) => HeapNative.Hold(0, (void*)entry);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint RegisterHeapCallback(bool dropDelegate)
    {
        string message = "called back " + Environment.ProcessId;
        Action callback = () => Console.WriteLine(message);
        nint entry = Marshal.GetFunctionPointerForDelegate(callback);
        s_handle = GCHandle.Alloc(callback, GCHandleType.Weak);
        uint site = TargetNative.SiteIntern("HeapScenarios.cs", 1, "Scenarios.RegisterHeapCallback");
        ulong id;
        TargetNative.RangeRegister(4 /* IG_RANGE_CALLBACK */, (void*)entry, 1, 0, site, (ulong)GCHandle.ToIntPtr(s_handle), &id);
        if (dropDelegate)
        {
            TargetNative.RangeRelease(id, site, null); // the callback's owner disposed it; the library still holds the entry
        }
        else
        {
            s_callback = callback;
        }

        return entry;
    }
}

/// <summary>tests/native/igheapholder.c and libinteropguard's ig_heap_install.</summary>
internal static unsafe partial class HeapNative
{
    [LibraryImport("igheapholder", EntryPoint = "igh_hold")]
    internal static partial void* Hold(int how, void* value);

    [LibraryImport("igheapholder", EntryPoint = "igh_malloc")]
    internal static partial void* Malloc(nuint size);

    [LibraryImport("libinteropguard", EntryPoint = "ig_heap_install")]
    internal static partial int Install();
}
