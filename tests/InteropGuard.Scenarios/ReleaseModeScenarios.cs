// ReleaseModeScenarios.cs - scenarios of release mode (INTEROPGUARD=release, issue 6): pointers into released pins,
// freed sampled buffers, returned pooled arrays and released views reach GuardedCall.CheckPointer (the generated
// wrappers' check, which in release mode consults only the released-range filter), each next to the nearest correct
// code; plus what release mode leaves out (call-scoped pins, callbacks, SafeHandles) and the native state it sets.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Interception;
using Microsoft.Win32.SafeHandles;

namespace InteropGuard.Scenarios;

internal static unsafe class ReleaseModeScenarios
{
    /// <summary>The scenarios of this file, merged into ScenarioTable.All.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["release_use_after_unpin"] = UseAfterUnpin,
        ["release_use_after_unpin_ok"] = UseAfterUnpinOk,
        ["release_repeated_after_unpin"] = RepeatedAfterUnpin,
        ["release_repinned_page_ok"] = RepinnedPageOk,
        ["release_native_use_after_free"] = NativeUseAfterFree,
        ["release_native_use_after_free_ok"] = NativeUseAfterFreeOk,
        ["release_unsampled_use_after_free"] = UnsampledUseAfterFree,
        ["release_reused_slot_ok"] = ReusedSlotOk,
        ["release_pool_use_after_return"] = PoolUseAfterReturn,
        ["release_pool_use_after_return_ok"] = PoolUseAfterReturnOk,
        ["release_use_after_unmap"] = UseAfterUnmap,
        ["release_use_after_unmap_ok"] = UseAfterUnmapOk,
        ["release_callback_after_release"] = CallbackAfterRelease,
        ["release_callback_after_release_ok"] = CallbackAfterReleaseOk,
        ["release_call_scoped_tracking"] = CallScopedTracking,
        ["release_native_state"] = NativeState,
        ["release_sampling_pattern"] = SamplingPattern,
    };

    // A generated wrapper's site token for a call of TestNative.Sum on the caller's line.
    private static GuardedCallSite Site([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        new("ReleaseModeScenarios." + member, file, line, "TestNative.Sum(nint p, nuint n)");

    // What a generated wrapper around TestNative.Sum(p, n) does: check the pointer argument, then call.
    private static void CheckedSum(nint p, nuint n, GuardedCallSite site)
    {
        GuardedCall.CheckPointer(p, "p", site);
        TestNative.Sum(p, n);
    }

    // A pointer into a released pin reaches a call while the array is still alive at the same address.
    private static void UseAfterUnpin()
    {
        byte[] array = new byte[100_000]; // large object heap: not moved between unpin and check
        Pin pin = Guard.Pin(array);
        nint p = pin.Pointer;
        pin.Dispose();
        CheckedSum(p + 64, 16, Site());
        GC.KeepAlive(array);
    }

    // A repeated argument (the generator's CheckRepeatedPointer: the previous statement's call checked it) whose pin was
    // released in between, as only a callback or another thread could do it behind a generated wrapper. Release mode
    // skips the repeated check and finds the use at the next full check; modes 1 and 2 find it at the repeated one.
    private static void RepeatedAfterUnpin()
    {
        byte[] array = new byte[100_000];
        Pin pin = Guard.Pin(array);
        nint p = pin.Pointer;
        CheckedSum(p, 16, Site());
        pin.Dispose();
        GuardedCall.CheckRepeatedPointer(p, "p", Site());
        Console.WriteLine("repeated check passed");
        CheckedSum(p, 32, Site());
        GC.KeepAlive(array);
    }

    private static void UseAfterUnpinOk()
    {
        byte[] array = new byte[100_000];
        using (Pin pin = Guard.Pin(array))
        {
            CheckedSum(pin.Pointer + 64, 16, Site());
        }

        GC.KeepAlive(array);
    }

    // The same array pinned again: its pages are in the filter (the first pin was released), the table says live.
    private static void RepinnedPageOk()
    {
        byte[] array = new byte[100_000];
        nint first;
        using (Pin pin = Guard.Pin(array))
        {
            first = pin.Pointer;
        }

        using (Pin again = Guard.Pin(array))
        {
            Console.WriteLine($"same address={again.Pointer == first}");
            CheckedSum(again.Pointer + 64, 16, Site());
        }

        GC.KeepAlive(array);
    }

    // A freed native buffer's pointer reaches a call (run with sample_rate=1: the buffer is sampled, so tracked).
    private static void NativeUseAfterFree()
    {
        var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        Console.WriteLine($"sampled={IgLibrary.IsSampled(p)}");
        buffer.Release();
        GuardedCall.CheckPointer(p + 8, "p", Site()); // no Sum: the sampled buffer's page is inaccessible now
        Console.WriteLine("check passed");
    }

    private static void NativeUseAfterFreeOk()
    {
        var buffer = NativeBuffer.Allocate(64);
        nint p = buffer.Pointer;
        Console.WriteLine($"sampled={IgLibrary.IsSampled(p)}");
        CheckedSum(p + 8, 16, Site());
        buffer.Release();
    }

    // The same bug with a buffer that was not sampled: a plain malloc block, freed with free(), never tracked; the
    // check cannot see it (the documented price of release mode).
    private static void UnsampledUseAfterFree()
    {
        NativeBuffer first = NativeBuffer.Allocate(64); // may be sampled (a thread's first allocation is)
        NativeBuffer buffer = IgLibrary.IsSampled(first.Pointer) ? NativeBuffer.Allocate(64) : first;
        nint p = buffer.Pointer;
        Console.WriteLine($"sampled={IgLibrary.IsSampled(p)}");
        buffer.Release();
        GuardedCall.CheckPointer(p + 8, "p", Site());
        Console.WriteLine("check passed");
        first.Dispose();
    }

    // A freed sampled buffer's slot is reused by a new buffer at the same address (guarded_pool_pages=1,
    // guarded_quarantine=0): the filter still holds the page, the table says live.
    private static void ReusedSlotOk()
    {
        var old = NativeBuffer.Allocate(64);
        nint p = old.Pointer;
        old.Release();
        using var fresh = NativeBuffer.Allocate(64);
        Console.WriteLine($"sampled={IgLibrary.IsSampled(fresh.Pointer)} same address={fresh.Pointer == p}");
        CheckedSum(fresh.Pointer + 8, 16, Site());
    }

    // Native code keeps a pointer into a pooled array; the array is returned, then the pointer reaches a call.
    private static void PoolUseAfterReturn()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(4096);
        fixed (byte* p = buffer) TestNative.KeepPointer((nint)p); // pooled arrays live on the POH: the pointer stays valid
        pool.Return(buffer);
        CheckedSum(TestNative.KeptPointer(), 16, Site());
        TestNative.KeepPointer(0);
    }

    private static void PoolUseAfterReturnOk()
    {
        var pool = GuardedArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(4096);
        fixed (byte* p = buffer) TestNative.KeepPointer((nint)p);
        CheckedSum(TestNative.KeptPointer(), 16, Site());
        TestNative.KeepPointer(0);
        pool.Return(buffer);
    }

    // Native code keeps a pointer into a mapped view the program released; the file object still maps it.
    private static void UseAfterUnmap()
    {
        using var file = MemoryMappedFile.CreateNew(null, 4096);
        using var accessor = file.CreateViewAccessor(0, 4096);
        MappedView view = Guard.MapView(accessor);
        TestNative.KeepPointer(view.Pointer);
        view.Dispose();
        CheckedSum(TestNative.KeptPointer(), 16, Site());
        TestNative.KeepPointer(0);
    }

    private static void UseAfterUnmapOk()
    {
        using var file = MemoryMappedFile.CreateNew(null, 4096);
        using var accessor = file.CreateViewAccessor(0, 4096);
        using MappedView view = Guard.MapView(accessor);
        TestNative.KeepPointer(view.Pointer);
        CheckedSum(TestNative.KeptPointer(), 16, Site());
        TestNative.KeepPointer(0);
    }

    // A released GuardedCallback's function pointer is passed to a call (e.g. to register it with native code again).
    private static void CallbackAfterRelease()
    {
        var callback = Guard.Callback<IntCallback>(x => x * 2);
        nint entry = callback.Pointer;
        callback.Release();
        GuardedCall.CheckPointer(entry, "callback", Site());
        Console.WriteLine("check passed");
    }

    private static void CallbackAfterReleaseOk()
    {
        var callback = Guard.Callback<IntCallback>(x => x * 2);
        GuardedCall.CheckPointer(callback.Pointer, "callback", Site());
        Console.WriteLine("check passed");
        callback.Release();
    }

    // What the wrappers record per call: in release mode nothing (no call-scoped pin, callback range or in-flight
    // SafeHandle); in modes 1 and 2 all three. Prints what the shadow table knows afterwards.
    private static void CallScopedTracking()
    {
        GuardedCallSite site = Site();
        byte[] array = new byte[64];
        fixed (byte* p = array)
        {
            ulong id = GuardedCall.PinArgument(p, array.Length, site);
            Console.WriteLine($"pin id={(id == 0 ? "0" : "nonzero")} pinned range known={IgLibrary.IsKnown((nint)p)}");
            GuardedCall.ReleaseArgument(id, site);
        }

        Action callback = () => { };
        GuardedCall.TrackCallback(callback, site);
        Console.WriteLine($"callback range known={IgLibrary.IsKnown(Marshal.GetFunctionPointerForDelegate(callback))}");
        GC.KeepAlive(callback);

        string path = Path.GetTempFileName();
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            bool open = GuardedCall.EnterHandle(handle);
            Console.WriteLine($"handle entered={open}");
            GuardedCall.ExitHandle(handle, open, "handle", site);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Which managed allocations release mode samples into the guarded pool: per thread, the first and then every
    // sample_rate-th, counted over GuardedNativeMemory.Alloc/AllocZeroed and NativeBuffer.Allocate together. Prints one
    // letter per allocation (S = sampled, p = plain) for the main thread, then for a new thread; every block is freed.
    private static void SamplingPattern()
    {
        var blocks = new List<nint>();
        var buffers = new List<NativeBuffer>();
        string Take(int count)
        {
            var letters = new System.Text.StringBuilder();
            for (int i = 0; i < count; i++)
            {
                nint p;
                bool zeroed = true;
                switch (i % 3)
                {
                    case 0:
                        p = (nint)GuardedNativeMemory.Alloc(64);
                        break;
                    case 1:
                        p = (nint)GuardedNativeMemory.AllocZeroed(64);
                        zeroed = new ReadOnlySpan<byte>((void*)p, 64).IndexOfAnyExcept((byte)0) < 0;
                        break;
                    default:
                        NativeBuffer buffer = NativeBuffer.Allocate(64);
                        p = buffer.Pointer;
                        buffers.Add(buffer);
                        break;
                }

                new Span<byte>((void*)p, 64).Fill(0xA5); // every block is usable to its last byte
                if (i % 3 != 2)
                {
                    blocks.Add(p);
                }

                letters.Append(IgLibrary.IsSampled(p) ? 'S' : 'p').Append(zeroed ? "" : "!");
            }

            return letters.ToString();
        }

        string main = Take(10);
        string other = "";
        var thread = new System.Threading.Thread(() => other = Take(4));
        thread.Start();
        thread.Join();
        Console.WriteLine($"main={main} thread={other}");
        using (NativeBuffer aligned = NativeBuffer.Allocate(100, 64)) // alignments above 16 are never sampled
        {
            new Span<byte>((void*)aligned.Pointer, 100).Fill(0x5A);
            Console.WriteLine($"aligned64={aligned.Pointer % 64 == 0} alignedSampled={IgLibrary.IsSampled(aligned.Pointer)}");
        }

        foreach (nint p in blocks)
        {
            GuardedNativeMemory.Free((void*)p);
        }

        foreach (NativeBuffer buffer in buffers)
        {
            buffer.Dispose();
        }

        Console.WriteLine("freed");
    }

    // The native library's view of the mode: release mode flag and sample rate (GuardRuntime's ig_init flags).
    private static void NativeState()
    {
        Console.WriteLine($"mode={Guard.Mode} enabled={Guard.IsEnabled}");
        Console.WriteLine($"native release mode={IgLibrary.ReleaseMode()} sample_rate={IgLibrary.OptionInt("sample_rate")}");
    }

    /// <summary>The exports of the very libinteropguard.so the runtime loaded (same path, so the same handle), for the
    /// scenarios' own observations; the runtime's bindings are internal.</summary>
    private static class IgLibrary
    {
        private static readonly nint s_handle = Load();

        /// <summary>ig_guarded_info(p) == 1: the block lies in the guarded pool (it was sampled).</summary>
        public static bool IsSampled(nint p) =>
            ((delegate* unmanaged<nint, ulong*, ulong*, int>)Export("ig_guarded_info"))(p, null, null) == 1;

        /// <summary>ig_lookup(p, 1) != IG_LOOKUP_UNKNOWN: some range (live or not) of the shadow table holds p.</summary>
        public static bool IsKnown(nint p) =>
            ((delegate* unmanaged<nint, nuint, void*, uint>)Export("ig_lookup"))(p, 1, null) != 0;

        /// <summary>ig_release_mode().</summary>
        public static int ReleaseMode() => ((delegate* unmanaged<int>)Export("ig_release_mode"))();

        /// <summary>ig_option_int(name).</summary>
        public static long OptionInt(string name)
        {
            nint utf8 = Marshal.StringToCoTaskMemUTF8(name);
            try
            {
                return ((delegate* unmanaged<nint, long>)Export("ig_option_int"))(utf8);
            }
            finally
            {
                Marshal.FreeCoTaskMem(utf8);
            }
        }

        private static nint Export(string name) => NativeLibrary.GetExport(s_handle, name);

        private static nint Load()
        {
            _ = Guard.IsEnabled; // the runtime loads (and initialises) the library first
            return NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libinteropguard.so"));
        }
    }
}
