// Scenarios.cs: the named target states, each in a bug mode (the validator must report it) and a correct mode (it must stay silent).
using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.ValidatorTargets;

/// <summary>A scenario sets up its state and yields once per phase (0, or the address of a fake table to sweep).</summary>
internal delegate IEnumerable<ulong> Scenario(bool bug);

internal static unsafe partial class Scenarios
{
    private static readonly Dictionary<string, Scenario> s_all = new(StringComparer.Ordinal)
    {
        ["fixed-kept"] = FixedKept,
        ["marshalled-kept"] = MarshalledKept,
        ["poh"] = Poh,
        ["frozen-literal"] = FrozenLiteral,
        ["fixed-blocked"] = FixedBlocked,
        ["fixed-then-waits"] = FixedThenWaits,
        ["fixed-cooperative"] = FixedCooperative,
        ["redzone"] = Redzone,
        ["redzone-left"] = RedzoneLeft,
        ["two-holders"] = TwoHolders,
        ["same-site"] = SameSite,
        ["unpin"] = Unpin,
        ["unpin-elsewhere"] = UnpinElsewhere,
        ["use-after-free"] = UseAfterFree,
        ["leak"] = Leak,
        ["callback"] = Callback,
        ["callback-unregistered"] = CallbackUnregistered,
        ["fake-table"] = FakeTable,
        ["big"] = Big,
        ["idle"] = Idle,
        ["load"] = Load,
        ["view-kept"] = ViewKept,
        ["callback-kept"] = CallbackKept,
        ["string-kept"] = StringKept,
        ["callback-loop"] = CallbackLoop,
        ["callscoped-kept"] = CallScopedKept,
        ["callscoped-kept-again"] = CallScopedKeptAgain,
        ["callscoped-superseded"] = CallScopedSuperseded,
        ["callpin-kept"] = CallPinKept,
        ["long-call"] = LongCall,
        ["callpin-kept-poh"] = bug => CallPinKeptPoh(bug, uninitialized: false),
        ["callpin-kept-poh-uninit"] = bug => CallPinKeptPoh(bug, uninitialized: true),
        ["pooled-kept"] = PooledKept,
        ["never-written"] = NeverWritten,
        ["retained-handle-freed"] = RetainedHandleFreed,
    };

    // Everything the scenarios keep alive between phases.
    private static byte[]? s_array;
    private static string? s_string;
    private static Pin? s_pin;
    private static NativeBuffer? s_block;
    private static NativeBuffer? s_other;
    private static Action? s_callback;
    private static GCHandle s_handle;
    private static GCHandle s_weak;
    private static byte[]? s_garbage;
    private static List<byte[]>? s_heap;
    private static List<Pin>? s_pins;
    private static List<NativeBuffer>? s_buffers;

    /// <summary>Arguments after the mode (the load scenario's sizes).</summary>
    public static string[] Extra { get; set; } = [];

    public static IEnumerable<string> Names => s_all.Keys.Concat(s_heapScenarios.Keys);

    public static bool TryGet(string name, [NotNullWhen(true)] out Scenario? scenario) =>
        s_all.TryGetValue(name, out scenario) || s_heapScenarios.TryGetValue(name, out scenario);

    /// <summary>Native code keeps a pointer from a `fixed` pin past the call, then the GC compacts (bug: moved or
    /// collected under the pointer); correct: a retained Guard.Pin held until native code lets go.</summary>
    private static IEnumerable<ulong> FixedKept(bool bug)
    {
        s_garbage = new byte[4000];
        s_array = new byte[256];
        if (bug)
        {
            unsafe
            {
                fixed (byte* p = s_array)
                {
                    TargetNative.KeepPointer(p + 16);
                }
            }

            s_garbage = null;
            Compact(); // the array slides into the garbage's space: the kept pointer is left behind
            yield return 0;
            yield break;
        }

        s_pin = Guard.Pin(s_array).RetainedByNative();
        unsafe
        {
            TargetNative.KeepPointer((void*)(s_pin.Pointer + 16));
        }

        s_garbage = null;
        Compact();
        yield return 0;
        TargetNative.Reset(); // native code lets go, then the pin goes
        s_pin.Release();
        yield return 0;
    }

    /// <summary>A large array marshalled as byte[] (pinned for the call only) is kept by native code, then dropped and the
    /// LOH compacted: the pointer dangles. Correct: a retained Guard.Pin keeps it alive and pinned.</summary>
    private static IEnumerable<ulong> MarshalledKept(bool bug)
    {
        if (bug)
        {
            KeepAndDropLargeArray();
            Compact();
            yield return 0;
            yield break;
        }

        s_array = new byte[1 << 20];
        s_pin = Guard.Pin(s_array).RetainedByNative();
        unsafe
        {
            TargetNative.KeepPointer((void*)s_pin.Pointer);
        }

        Compact();
        yield return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeepAndDropLargeArray()
    {
        var large = new byte[1 << 20];
        TargetNative.KeepArray(large);
    }

    /// <summary>Native code keeps a pointer into a live array after `fixed` ends (bug: unpinned); correct: a POH array,
    /// which never moves.</summary>
    private static IEnumerable<ulong> Poh(bool bug)
    {
        s_array = bug ? new byte[128] : GC.AllocateArray<byte>(128, pinned: true);
        unsafe
        {
            fixed (byte* p = s_array)
            {
                TargetNative.KeepPointer(p);
            }
        }

        yield return 0;
    }

    /// <summary>Native code keeps a pointer to a string's characters: a literal lives in a frozen segment (correct); a
    /// string made at run time is on the GC heap and nothing pins it (bug).</summary>
    private static IEnumerable<ulong> FrozenLiteral(bool bug)
    {
        s_string = bug ? new string('x', 48) : "a frozen string literal that never moves";
        unsafe
        {
            fixed (char* p = s_string)
            {
                TargetNative.KeepPointer(p);
            }
        }

        yield return 0;
    }

    /// <summary>A thread is blocked inside native code that holds a pointer from `fixed`: correct while it blocks (a
    /// pinned stack root). Bug: the call returned and native code still holds the pointer.</summary>
    private static IEnumerable<ulong> FixedBlocked(bool bug)
    {
        s_array = new byte[512];
        var thread = new Thread(BlockHoldingArray) { IsBackground = true, Name = "blocked-in-native" };
        thread.Start();
        TargetNative.WaitBlocked();
        if (bug)
        {
            TargetNative.ReleaseBlocked();
            thread.Join();
        }

        yield return 0;
        if (!bug)
        {
            TargetNative.Reset(); // native code lets go first, then the call returns
            TargetNative.ReleaseBlocked();
            thread.Join();
            yield return 0;
        }
    }

    /// <summary>Native code writes 3 bytes past a 64-byte block between calls (bug) or exactly 64 (correct).</summary>
    private static IEnumerable<ulong> Redzone(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        unsafe
        {
            TargetNative.Fill((void*)s_block.Pointer, bug ? 67u : 64u, 0x41);
        }

        yield return 0;
    }

    /// <summary>Native code writes 4 bytes before a block's start (bug) or its first 4 bytes (correct).</summary>
    private static IEnumerable<ulong> RedzoneLeft(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        unsafe
        {
            TargetNative.Fill((void*)(s_block.Pointer - (bug ? 4 : 0)), 4, 0x42);
        }

        yield return 0;
    }

    /// <summary>A pointer into an unpinned array held both in an ig_malloc'd block (offset 8) and in the .bss of
    /// libigtestnative.so (bug); correct: the same with a POH array.</summary>
    private static IEnumerable<ulong> TwoHolders(bool bug)
    {
        s_array = bug ? new byte[200] : GC.AllocateArray<byte>(200, pinned: true);
        s_block = NativeBuffer.Allocate(64);
        unsafe
        {
            fixed (byte* p = s_array)
            {
                TargetNative.KeepIn((void*)s_block.Pointer, 8, p + 32);
                TargetNative.KeepPointer(p + 40);
            }
        }

        yield return 0;
    }

    /// <summary>Three native blocks allocated at one line, each holding a pointer into its own array: unpinned (bug),
    /// pinned (correct). Three findings with one site: a reporter that dedupes by site prints one.</summary>
    private static IEnumerable<ulong> SameSite(bool bug)
    {
        s_heap = [];
        s_buffers = [];
        for (int i = 0; i < 3; i++)
        {
            byte[] array = bug ? new byte[200] : GC.AllocateArray<byte>(200, pinned: true);
            NativeBuffer block = NativeBuffer.Allocate(64);
            s_heap.Add(array);
            s_buffers.Add(block);
            unsafe
            {
                fixed (byte* p = array)
                {
                    TargetNative.KeepIn((void*)block.Pointer, 8, p + 16);
                }
            }
        }

        yield return 0;
    }

    /// <summary>A released pin still referenced from native memory (bug); correct: native code lets go before the release.</summary>
    private static IEnumerable<ulong> Unpin(bool bug)
    {
        s_array = new byte[300];
        Pin pin = Guard.Pin(s_array);
        unsafe
        {
            TargetNative.KeepPointer((void*)(pin.Pointer + 4));
        }

        if (!bug)
        {
            TargetNative.Reset();
        }

        pin.Release();
        yield return 0;
    }

    /// <summary>A pin made on a worker thread that then exits (its pin log goes free) and released by this thread while
    /// native memory still holds a pointer into it (bug); correct: native code lets go before the release.</summary>
    private static IEnumerable<ulong> UnpinElsewhere(bool bug)
    {
        s_array = new byte[300];
        Pin? pin = null;
        var worker = new Thread(() => pin = Guard.Pin(s_array)) { Name = "pins-and-exits" };
        worker.Start();
        worker.Join();
        unsafe
        {
            TargetNative.KeepPointer((void*)(pin!.Pointer + 4));
        }

        if (!bug)
        {
            TargetNative.Reset();
        }

        pin.Release();
        yield return 0;
    }

    /// <summary>A retained pin (weak handle as its tag) whose object a pinned GCHandle pins, sweepable in phase 1; in
    /// phase 2 the pinned handle is freed while the range stays live and retained (bug: nothing pins the object any more);
    /// correct: the handle stays. The validator remembers the handle's slot at the first sweep: the second must still
    /// see the object unpinned.</summary>
    private static IEnumerable<ulong> RetainedHandleFreed(bool bug)
    {
        s_array = new byte[256];
        s_handle = GCHandle.Alloc(s_array, GCHandleType.Pinned);
        s_weak = GCHandle.Alloc(s_array, GCHandleType.Weak);
        RegisterRetainedPin(s_handle.AddrOfPinnedObject(), 256, s_weak);
        yield return 0;
        if (bug)
        {
            s_handle.Free();
        }

        yield return 0;
    }

    private static unsafe void RegisterRetainedPin(nint start, nuint size, GCHandle weak)
    {
        uint site = TargetNative.SiteIntern("Scenarios.cs", 1, "Scenarios.RetainedHandleFreed");
        ulong id;
        TargetNative.RangeRegister(2 /* IG_RANGE_MANAGED_PIN */, (void*)start, size, 1 /* IG_RANGE_F_RETAINED */, site, (ulong)GCHandle.ToIntPtr(weak), &id);
    }

    /// <summary>A native block holds a pointer into another block that was freed (bug); correct: cleared before the free.</summary>
    private static IEnumerable<ulong> UseAfterFree(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        s_other = NativeBuffer.Allocate(128);
        unsafe
        {
            TargetNative.KeepIn((void*)s_block.Pointer, 16, (void*)(s_other.Pointer + 8));
            if (!bug)
            {
                TargetNative.KeepIn((void*)s_block.Pointer, 16, null);
            }
        }

        s_other.Release();
        yield return 0;
    }

    /// <summary>A pin never released (bug) or released (correct); the test sets pin_leak_ms and detect_leaked_pin=1.</summary>
    private static IEnumerable<ulong> Leak(bool bug)
    {
        s_array = new byte[64];
        s_pin = Guard.Pin(s_array);
        if (!bug)
        {
            s_pin.Release();
        }

        Thread.Sleep(30);
        yield return 0;
    }

    /// <summary>A callback range retained by native code (its entry kept in a static) whose delegate was collected (bug)
    /// or kept alive (correct).</summary>
    private static IEnumerable<ulong> Callback(bool bug)
    {
        RegisterCallback(bug);
        Compact();
        Compact();
        yield return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterCallback(bool dropDelegate)
    {
        string message = "called back " + Environment.ProcessId; // captured: the compiler does not cache this delegate in a static
        Action callback = () => Console.WriteLine(message);
        nint entry = Marshal.GetFunctionPointerForDelegate(callback);
        s_handle = GCHandle.Alloc(callback, GCHandleType.Weak);
        uint site = TargetNative.SiteIntern("Scenarios.cs", 1, "Scenarios.RegisterCallback");
        ulong id;
        TargetNative.RangeRegister(4 /* IG_RANGE_CALLBACK */, (void*)entry, 1, 1 /* IG_RANGE_F_RETAINED */, site, (ulong)GCHandle.ToIntPtr(s_handle), &id);
        TargetNative.KeepPointer((void*)entry);
        if (!dropDelegate)
        {
            s_callback = callback;
        }
    }

    /// <summary>A fake table to point the validator at. Mode ok: a valid header whose chunk directory points at an
    /// unmapped page and whose records are garbage; bug modes come as phases: bad magic, impossible counts.</summary>
    private static IEnumerable<ulong> FakeTable(bool bug)
    {
        ulong header = MakeFakeTable();
        yield return header; // phase 1: garbage records, one unreadable chunk

        SetByte(header, 0, (byte)'X');
        yield return header; // phase 2: bad magic

        SetByte(header, 0, (byte)'I');
        SetUInt64(header, 40, ulong.MaxValue); // chunk_count
        yield return header; // phase 3: impossible counts
    }

    private static void SetByte(ulong address, int offset, byte value) => ((byte*)address)[offset] = value;

    private static void SetUInt64(ulong address, int offset, ulong value) => *(ulong*)((byte*)address + offset) = value;

    private static ulong MakeFakeTable()
    {
        byte* real = (byte*)TargetNative.Table();
        byte* header = (byte*)NativeMemory.AllocZeroed(256);
        byte* chunk = (byte*)NativeMemory.Alloc(96 * 1024);
        ulong* directory = (ulong*)NativeMemory.AllocZeroed(16);
        new Span<byte>(real, 256).CopyTo(new Span<byte>(header, 256));
        var random = new Random(42);
        random.NextBytes(new Span<byte>(chunk, 96 * 1024));
        directory[0] = (ulong)chunk;
        directory[1] = 0x10; // unmapped
        *(ulong*)(header + 24) = 1024; // ranges_per_chunk
        *(ulong*)(header + 32) = 2; // max_chunks
        *(ulong*)(header + 40) = 2; // chunk_count
        *(ulong*)(header + 48) = (ulong)directory;
        *(ulong*)(header + 160) = 2 * 1024; // slot_limit: every slot of both chunks was handed out
        return (ulong)header;
    }

    /// <summary>256 MiB of touched native memory, so a sweep takes long enough to kill the validator in the middle of it.</summary>
    private static IEnumerable<ulong> Big(bool bug)
    {
        s_block = NativeBuffer.Allocate(256 << 20);
        unsafe
        {
            new Span<byte>((void*)s_block.Pointer, 256 << 20).Fill(1);
        }

        yield return 0;
    }

    /// <summary>A thread blocks in native code inside `fixed` (phase 1: pinned by its stack root), then the call returns and
    /// the thread lives on, waiting in managed code (phase 2): with the bug native code still holds the pointer, which
    /// nothing pins any more; correct code lets go first. The same thread at both sweeps, so the validator must see that
    /// its stack changed rather than reuse the roots of the first stop.</summary>
    private static IEnumerable<ulong> FixedThenWaits(bool bug)
    {
        s_array = new byte[512];
        var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            BlockHoldingArray();
            done.Wait();
        })
        { IsBackground = true, Name = "fixed-then-waits" };
        thread.Start();
        TargetNative.WaitBlocked();
        yield return 0;
        if (!bug)
        {
            TargetNative.Reset(); // native code lets go first, then the call returns
        }

        TargetNative.ReleaseBlocked();
        yield return 0;
        done.Set();
        thread.Join();
    }

    /// <summary>Native code keeps a pointer into an array, and a thread blocks in native code called with
    /// [SuppressGCTransition] (phase 1): in cooperative mode with no transition frame, where the validator's stack walk
    /// reaches none of its managed frames. Then it returns and waits in managed code (phase 2). Correct: the thread is
    /// inside `fixed` over the array through both phases. Bug: the `fixed` ended before it blocked, so nothing pins the
    /// array. Prints "kept=0x.." (the kept pointer) on stderr for the tests' classify requests.</summary>
    private static IEnumerable<ulong> FixedCooperative(bool bug)
    {
        s_array = new byte[512];
        var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            GC.Collect(); // now, so that none is due while the thread blocks in cooperative mode (a GC would wait for it)
            if (bug)
            {
                KeepArrayPointer();
                TargetNative.BlockCooperative();
                done.Wait();
                return;
            }

            KeepArrayPointerAndBlock(done);
        })
        { IsBackground = true, Name = "fixed-cooperative" };
        thread.Start();
        TargetNative.WaitBlocked();
        yield return 0;
        TargetNative.ReleaseBlocked();
        yield return 0;
        done.Set();
        thread.Join();
    }

    private static void KeepArrayPointerAndBlock(ManualResetEventSlim done)
    {
        fixed (byte* p = s_array)
        {
            TargetNative.KeepPointer(p + 8);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept=0x{(ulong)(p + 8):x}"));
            TargetNative.BlockCooperative();
            done.Wait();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeepArrayPointer()
    {
        fixed (byte* p = s_array)
        {
            TargetNative.KeepPointer(p + 8);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept=0x{(ulong)(p + 8):x}"));
        }
    }

    private static void BlockHoldingArray()
    {
        fixed (byte* p = s_array)
        {
            TargetNative.BlockHolding(p + 8);
        }
    }

    /// <summary>The benchmark's target: `load ok &lt;blocks&gt; &lt;native MiB&gt; &lt;pins&gt; &lt;heap MiB&gt; &lt;threads&gt;`.
    /// Native blocks hold data and, every 4 KiB, a pointer into one of the pinned arrays; the heap is live byte
    /// arrays; with threads &gt; 0 one of them is blocked in native code holding a `fixed` pointer (so every sweep
    /// needs the stack roots) and the rest wait.</summary>
    private static IEnumerable<ulong> Load(bool bug)
    {
        int blocks = Arg(0, 1000), nativeMb = Arg(1, 16), pins = Arg(2, 100), heapMb = Arg(3, 50), threads = Arg(4, 1);
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
        long perBlock = blocks == 0 ? 0 : ((long)nativeMb << 20) / blocks;
        var buffers = new List<NativeBuffer>();
        var random = new Random(1);
        for (int i = 0; i < blocks; i++)
        {
            NativeBuffer buffer = NativeBuffer.Allocate((nint)perBlock);
            FillBlock(buffer, random, pinned);
            buffers.Add(buffer);
        }

        s_buffers = buffers;
        s_array = new byte[64];
        for (int i = 0; i < threads; i++)
        {
            var thread = i == 0
                ? new Thread(BlockHoldingArray) { IsBackground = true }
                : new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true };
            thread.Start();
        }

        if (threads > 0)
        {
            TargetNative.WaitBlocked();
        }

        yield return 0;
    }

    private static void FillBlock(NativeBuffer buffer, Random random, List<Pin> pins)
    {
        Span<byte> span = buffer.Span;
        random.NextBytes(span);
        for (int at = 0; at + 8 <= span.Length; at += 4096)
        {
            long target = pins.Count == 0 ? 0 : pins[random.Next(pins.Count)].Pointer + 8;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(span[at..], target);
        }
    }

    private static int Arg(int index, int fallback) =>
        index < Extra.Length && int.TryParse(Extra[index], out int value) ? value : fallback;

    private static IEnumerable<ulong> Idle(bool bug)
    {
        yield return 0;
    }

    private static void Compact()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
