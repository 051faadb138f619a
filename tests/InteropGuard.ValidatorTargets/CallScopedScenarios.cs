// CallScopedScenarios.cs: target states for call-scoped pins and callbacks and never-written block bytes: an array and
// delegates passed to an intercepted P/Invoke (recorded the way generated wrappers do) that native code uses during the
// call or keeps, and a fresh 60,000-byte NativeBuffer on memory an earlier allocation filled with a managed address.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Interception;

namespace InteropGuard.ValidatorTargets;

internal static unsafe partial class Scenarios
{
    // What a generated interceptor holds for one call site of a P/Invoke taking a TargetCallback.
    private static readonly GuardedCallSite s_callSite = new("Scenarios.HandOver", "CallScopedScenarios.cs", 30, "TargetNative.Call(TargetCallback fn, int x)");

    // ... and for the call sites of a P/Invoke taking a byte[] (the marshaller pins it for the call).
    private static readonly GuardedCallSite s_pinSite = new("Scenarios.CallPinKept", "CallScopedScenarios.cs", 180, "TargetNative.KeepIn(void* holder, nuint offset, byte[] value)");
    private static readonly GuardedCallSite s_otherSite = new("Scenarios.OtherCalls", "CallScopedScenarios.cs", 190, "TargetNative.Sum(byte[] data)");
    private static ulong s_pinToken;
    private static GCHandle s_callPin;
    private static TargetCallback? s_kept;
    private static void* s_fence;

    /// <summary>The qsort pattern: a fresh delegate per call, called by native code during the call only, with forced
    /// GCs in between; nothing keeps the function pointers. Correct code either way (bug and ok are the same).</summary>
    private static IEnumerable<ulong> CallbackLoop(bool bug)
    {
        _ = bug;
        long sum = 0;
        for (int i = 0; i < 2000; i++)
        {
            sum += CallOnce(i);
            if (i % 250 == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Console.Error.WriteLine("sum=" + sum);
        yield return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CallOnce(int i)
    {
        TargetCallback callback = x => x + i; // captures: a new delegate (and stub) per call
        ulong id = GuardedCall.EnterCallback(callback, s_callSite, 0);
        try
        {
            return TargetNative.Call(callback, i);
        }
        finally
        {
            GuardedCall.ExitCallback(id, s_callSite);
        }
    }

    /// <summary>Native code keeps the function pointer of a delegate passed for one call (in a native block); the
    /// delegate is collected (bug) or kept in a static (correct).</summary>
    private static IEnumerable<ulong> CallScopedKept(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        HandOver(s_block, 8, keepDelegate: !bug);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        yield return 0;
    }

    /// <summary>callscoped-kept with the same delegate passed for three calls (the site's slot serves the last two from
    /// what it remembers of the first): each call's range and the cell follow the latest call.</summary>
    private static IEnumerable<ulong> CallScopedKeptAgain(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        HandOver(s_block, 8, keepDelegate: !bug, calls: 3);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        yield return 0;
    }

    /// <summary>Native code keeps the pointer of a first delegate, then the same call site passes a second one; the first
    /// is collected. Its fate can no longer be told (the site follows its latest delegate): silent, with a warning.</summary>
    private static IEnumerable<ulong> CallScopedSuperseded(bool bug)
    {
        _ = bug;
        s_block = NativeBuffer.Allocate(64);
        HandOver(s_block, 8, keepDelegate: false);
        HandOver(s_block, 16, keepDelegate: true);
        KeepIn(s_block, 16, 0);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        yield return 0;
    }

    /// <summary>One intercepted call (or <paramref name="calls"/> with the same delegate): the delegate is recorded as
    /// call-scoped, and native code stores its function pointer at <paramref name="offset"/> of <paramref name="holder"/>
    /// (a registration the P/Invoke does not declare).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandOver(NativeBuffer holder, nuint offset, bool keepDelegate, int calls = 1)
    {
        int seed = Environment.TickCount;
        TargetCallback callback = x => x + seed;
        for (int i = 0; i < calls; i++)
        {
            ulong id = GuardedCall.EnterCallback(callback, s_callSite, 0);
            try
            {
                KeepIn(holder, offset, Marshal.GetFunctionPointerForDelegate(callback));
            }
            finally
            {
                GuardedCall.ExitCallback(id, s_callSite);
            }
        }

        if (keepDelegate)
        {
            s_kept = callback;
        }
    }

    /// <summary>Phase 1: an intercepted call is in flight with a byte[] argument, and native code has stored a pointer
    /// into it in a native block (pinned for the call: fine). Phase 2: the call returned and 100 more calls with other
    /// arrays followed; native code still holds the pointer (bug) or cleared it before the call returned (correct).</summary>
    private static IEnumerable<ulong> CallPinKept(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        s_array = new byte[256];
        BeginKeepCall();
        yield return 0;
        EndKeepCall(clearFirst: !bug);
        OtherCalls(100);
        yield return 0;
    }

    /// <summary>A call that blocks in native code (a socket read, a wait) longer than pin_leak_ms; the test sets
    /// pin_leak_ms=1. Correct: a thread is inside an intercepted call whose byte[] argument is pinned for the call only
    /// (phase 1, 30 ms after it began), then the call returns (phase 2). Bug: a Guard.Pin made for a call that returned
    /// was never released.</summary>
    private static IEnumerable<ulong> LongCall(bool bug)
    {
        s_array = new byte[256];
        if (bug)
        {
            s_pin = Guard.Pin(s_array); // for a call that returned long ago
            Thread.Sleep(30);
            yield return 0;
            yield break;
        }

        var thread = new Thread(BlockInCallWithPinnedArgument) { IsBackground = true, Name = "long-call" };
        thread.Start();
        TargetNative.WaitBlocked();
        Thread.Sleep(30);
        yield return 0;
        TargetNative.Reset(); // native code lets go first, then the call returns
        TargetNative.ReleaseBlocked();
        thread.Join();
        yield return 0;
    }

    // A generated wrapper around a blocking P/Invoke taking a byte[]: the array fixed, its call pin pushed, the native
    // code blocked until released; the pin popped when the call returns.
    private static void BlockInCallWithPinnedArgument()
    {
        fixed (byte* p = s_array)
        {
            ulong token = GuardedCall.PinArgument(p, s_array!.Length, s_pinSite);
            try
            {
                TargetNative.BlockHolding(p + 8);
            }
            finally
            {
                GuardedCall.ReleaseArgument(token, s_pinSite);
            }
        }
    }

    /// <summary>Phase 1: an intercepted call is in flight with a byte[] argument on the pinned object heap (bug: an
    /// ordinary byte[]), and native code has registered a pointer into it in a native block. Phase 2: the call returned,
    /// 100 more calls followed, and native code wrote through the pointer it kept. A POH array never moves: the pointer
    /// stays valid past the call (correct); an ordinary array may move (bug). <paramref name="uninitialized"/> allocates
    /// the POH array with GC.AllocateUninitializedArray instead of GC.AllocateArray.</summary>
    private static IEnumerable<ulong> CallPinKeptPoh(bool bug, bool uninitialized)
    {
        s_block = NativeBuffer.Allocate(64);
        s_array = bug ? new byte[256]
            : uninitialized ? GC.AllocateUninitializedArray<byte>(256, pinned: true)
            : GC.AllocateArray<byte>(256, pinned: true);
        BeginKeepCall();
        yield return 0;
        EndKeepCall(clearFirst: false);
        OtherCalls(100);
        if (!bug)
        {
            WriteThroughKeptPointer();
        }

        yield return 0;
    }

    /// <summary>An array rented from a GuardedArrayPool (on the pinned object heap), whose address native code keeps
    /// in a native block, then returned to the pool. Bug: the pointer is still kept after the return (a pooled POH array
    /// does not move, but the next renter owns it). Correct: native code cleared it before the return.</summary>
    private static IEnumerable<ulong> PooledKept(bool bug)
    {
        s_block = NativeBuffer.Allocate(64);
        var pool = GuardedArrayPool<byte>.Create();
        s_array = pool.Rent(256);
        KeepArrayPointer(s_array, clearFirst: !bug);
        pool.Return(s_array);
        yield return 0;
    }

    // Native code keeps a pointer into the array at byte 8 of the block; with clearFirst it lets go of it again.
    private static void KeepArrayPointer(byte[] array, bool clearFirst)
    {
        fixed (byte* p = array)
        {
            TargetNative.KeepIn((void*)s_block!.Pointer, 8, p + 16);
        }

        if (clearFirst)
        {
            TargetNative.KeepIn((void*)s_block!.Pointer, 8, null);
        }
    }

    // Native code uses the buffer it kept: a write into the array through the pointer registered at byte 8 of the block.
    private static void WriteThroughKeptPointer() => TargetNative.Fill(*(void**)(s_block!.Pointer + 8), 8, 0x5a);

    // The first half of a generated wrapper around KeepIn(holder, 8, array): the array pinned (here by a handle, as the
    // wrapper's `fixed` would while the call runs), its call pin pushed, and the native code of the call run.
    private static void BeginKeepCall()
    {
        s_callPin = GCHandle.Alloc(s_array, GCHandleType.Pinned);
        byte* p = (byte*)s_callPin.AddrOfPinnedObject();
        s_pinToken = GuardedCall.PinArgument(p, s_array!.Length, s_pinSite);
        TargetNative.KeepIn((void*)s_block!.Pointer, 8, p + 16);
    }

    // The call returns: native code clears what it kept (correct) or not (bug); the wrapper pops the pin.
    private static void EndKeepCall(bool clearFirst)
    {
        if (clearFirst)
        {
            TargetNative.KeepIn((void*)s_block!.Pointer, 8, null);
        }

        GuardedCall.ReleaseArgument(s_pinToken, s_pinSite);
        s_callPin.Free();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OtherCalls(int count)
    {
        byte[] other = new byte[32];
        for (int i = 0; i < count; i++)
        {
            fixed (byte* p = other)
            {
                ulong token = GuardedCall.PinArgument(p, other.Length, s_otherSite);
                GuardedCall.ReleaseArgument(token, s_otherSite);
            }
        }
    }

    /// <summary>A 60,000-byte NativeBuffer allocated on memory a plain allocation of the same size had filled with the
    /// address of an object that was pinned then; the pin ended. Correct: the buffer is never written (nothing to report).
    /// Bug: the program writes the object's address at byte 50,000 (unpinned-managed-pointer). Prints whether the buffer
    /// reused the plain allocation's memory ("reused=True") and whether byte 50,000 still held the address before any
/// write ("stale=True": the fill stopped short of it), which is what makes the correct case meaningful.</summary>
    private static IEnumerable<ulong> NeverWritten(bool bug)
    {
        AllocateOnStaleMemory(bug);
        yield return 0;
    }

    private static void AllocateOnStaleMemory(bool writeAddress)
    {
        const int size = 60_000;
        using (NativeBuffer.Allocate(size))
        {
            // Compiles the allocation path first: the JIT's own mallocs would otherwise take the freed memory below.
        }

        s_array = new byte[256];
        GCHandle pin = GCHandle.Alloc(s_array, GCHandleType.Pinned);
        nint address = pin.AddrOfPinnedObject() + 16;
        nuint plainSize = 120_000; // under glibc's mmap threshold; room for the block even when a small allocation splits off its front
        nint* plain = (nint*)NativeMemory.Alloc(plainSize);
        s_fence = NativeMemory.Alloc(64); // keeps the freed memory from merging into malloc's top chunk (trimmed: zeroed pages)
        for (nuint i = 0; i < plainSize / 8; i++)
        {
            plain[i] = address;
        }

        nint plainStart = (nint)plain;
        NativeMemory.Free(plain);
        pin.Free(); // the array stays alive (a static), no longer pinned

        s_block = NativeBuffer.Allocate(size);
        bool reused = s_block.Pointer >= plainStart && s_block.Pointer + size <= plainStart + (nint)plainSize;
        bool stale = *(nint*)(s_block.Pointer + 50_000) == address;
        Console.Error.WriteLine("reused=" + reused + " stale=" + stale);
        if (writeAddress)
        {
            *(nint*)(s_block.Pointer + 50_000) = address;
        }
    }
}
