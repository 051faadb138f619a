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
            ["heap-freed-block"] = HeapFreedBlock,
            ["heap-view-reused"] = HeapViewReused,
            ["heap-released-pin"] = HeapReleasedPin,
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

    /// <summary>A shadow block is freed (its FREED record stays while it waits in the quarantine, and libc may hand the
    /// memory it covered to a native library once it leaves) and a word pointing 16 bytes into it is kept. Correct: the
    /// word sits in a native library's own heap block: the validator never takes a library heap's word for a freed
    /// shadow block, since the library's pointer may point into its own block that libc carved from that memory. Bug:
    /// the word sits in a native library's .bss (ig_test_keep_pointer), which the rule does not cover: a use after free.</summary>
    private static IEnumerable<ulong> HeapFreedBlock(bool bug)
    {
        StartHeapTracking();
        KeepIntoFreedBlock(inLibraryHeap: !bug);
        yield return 0;
    }

    private static void KeepIntoFreedBlock(bool inLibraryHeap)
    {
        s_other = NativeBuffer.Allocate(256);
        void* inside = (void*)(s_other.Pointer + 16);
        s_other.Release();
        if (inLibraryHeap)
        {
            HeapNative.Hold(0, inside);
        }
        else
        {
            TargetNative.KeepPointer(inside);
        }
    }

    /// <summary>A native library's heap block now lies where a memory-mapped view was (the view's range registered over it
    /// and released: the table state after a view is unmapped and libc maps a block into the same addresses), and a
    /// library's .bss keeps a pointer 64 bytes into that block. Correct: the block is live, so the word points into live
    /// memory a library holds, not into the unmapped view. Bug: the library freed the block too: nothing lives there, the
    /// word points into the unmapped view.</summary>
    private static IEnumerable<ulong> HeapViewReused(bool bug)
    {
        StartHeapTracking();
        KeepIntoBlockOverUnmappedView(freeBlock: bug);
        yield return 0;
    }

    private static void KeepIntoBlockOverUnmappedView(bool freeBlock)
    {
        const nuint Size = 4096;
        s_nativeBlock = HeapNative.Malloc(Size);
        uint site = TargetNative.SiteIntern("HeapScenarios.cs", 2, "Scenarios.HeapViewReused");
        ulong id;
        TargetNative.RangeRegister(3 /* IG_RANGE_MAPPED_VIEW */, s_nativeBlock, Size, 0, site, 0, &id);
        TargetNative.RangeRelease(id, site, null);
        TargetNative.KeepPointer((byte*)s_nativeBlock + 64);
        if (freeBlock)
        {
            HeapNative.Free(s_nativeBlock);
        }
    }

    /// <summary>A native library's heap block keeps a pointer 16 bytes into an array pinned by Guard.Pin. Bug: the pin is
    /// released while the library still holds the pointer: the rule that spares library heaps covers freed shadow blocks
    /// and unmapped views only, so a released pin is reported from there. Correct: the pin stays.</summary>
    private static IEnumerable<ulong> HeapReleasedPin(bool bug)
    {
        StartHeapTracking();
        s_array = new byte[256];
        s_pin = Guard.Pin(s_array);
        HoldPinned(s_pin);
        if (bug)
        {
            s_pin.Release();
        }

        yield return 0;
    }

    private static void HoldPinned(Pin pin) => HeapNative.Hold(0, (void*)(pin.Pointer + 16));

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

    [LibraryImport("igheapholder", EntryPoint = "igh_free")]
    internal static partial void Free(void* p);

    [LibraryImport("libinteropguard", EntryPoint = "ig_heap_install")]
    internal static partial int Install();
}
