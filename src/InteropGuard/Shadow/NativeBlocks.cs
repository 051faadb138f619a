// NativeBlocks.cs: allocating and freeing blocks of the InteropGuard allocator for NativeBuffer and GuardedNativeMemory, in modes 1, 2 and release.
using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Reporting;

namespace InteropGuard.Shadow;

/// <summary>The managed side of the shadow allocator, shared by <see cref="NativeBuffer"/> and
/// <see cref="GuardedNativeMemory"/> when the runtime is enabled. Modes 1 and 2: every block is tracked and named by its
/// allocation site. Release mode: <see cref="ReleaseSampler"/> picks 1 in <c>sample_rate</c> blocks for the guarded pool
/// (<c>ig_malloc_sampled</c>, named by its site) and the rest are <see cref="NativeMemory"/> blocks, freed with
/// <see cref="NativeMemory.Free"/>: exactly what the unguarded program does.</summary>
internal static unsafe class NativeBlocks
{
    private static readonly bool s_release = GuardRuntime.Enabled && GuardRuntime.Mode == GuardMode.Release;

    /// <summary>errno <c>ENOSPC</c> (Linux, every architecture) after a null <c>ig_malloc_at</c>: the shadow table is
    /// full, the memory was there (interopguard.h).</summary>
    private const int ErrnoTableFull = 28;

    // Blocks handed out untracked because the table was full; s_anyUntracked keeps the free path at one branch until then.
    private static readonly ConcurrentDictionary<nint, byte> s_untracked = new();
    private static bool s_anyUntracked;

    /// <summary>Allocates <paramref name="length"/> bytes (alignment 0 = 16); null when the allocator cannot.</summary>
    /// <param name="length">User bytes.</param>
    /// <param name="alignment">0 = 16, else a power of two.</param>
    /// <param name="member">The allocating member.</param>
    /// <param name="file">Its file.</param>
    /// <param name="line">Its line.</param>
    public static void* Allocate(nuint length, nuint alignment, string member, string file, int line)
    {
        if (s_release)
        {
            if (alignment <= 16 && ReleaseSampler.Next())
            {
                return AllocateSampled(length, zero: false, member, file, line);
            }

            return AllocatePlain(length, alignment);
        }

        void* p = IgNative.ig_malloc_at(length, alignment, SiteRegistry.Intern(member, file, line));
        if (p == null)
        {
            return AllocateUntracked(length, alignment, Marshal.GetLastPInvokeError());
        }

        if (GuardRuntime.Options.CaptureStacks)
        {
            RecordAllocStack(p, 3); // RecordAllocStack, Allocate, and the public API
        }

        return p;
    }

    /// <summary>The block of a full table (errno ENOSPC: the memory was there, the table had no room): a zeroed plain
    /// block nobody tracks, remembered so that its free releases it quietly, and said once ("new native buffers are not
    /// tracked"). Any other failure is a real lack of memory: null.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateUntracked(nuint length, nuint alignment, int errno)
    {
        if (errno != ErrnoTableFull)
        {
            return null;
        }

        void* p;
        try
        {
            p = NativeMemory.AlignedAlloc(length == 0 ? 1 : length, alignment == 0 ? 16 : alignment);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }

        NativeMemory.Clear(p, length);
        s_untracked.TryAdd((nint)p, 0);
        Volatile.Write(ref s_anyUntracked, true);
        RangeRegistration.WarnTableFull("native buffers");
        return p;
    }

    /// <summary>Release mode: allocates the block <see cref="ReleaseSampler"/> chose, in the guarded pool when it fits a
    /// page (else a plain block), named by its site (and stack with capture_stacks=1); null when the allocator cannot.</summary>
    /// <param name="length">User bytes.</param>
    /// <param name="zero">True: the bytes are set to zero.</param>
    /// <param name="member">The allocating member.</param>
    /// <param name="file">Its file.</param>
    /// <param name="line">Its line.</param>
    [MethodImpl(MethodImplOptions.NoInlining)] // 1 in sample_rate: out of the inlined allocation paths
    public static void* AllocateSampled(nuint length, bool zero, string member, string file, int line)
    {
        void* block = IgNative.ig_malloc_sampled(length, SiteRegistry.Intern(member, file, line), zero ? 1 : 0);
        if (block != null && GuardRuntime.Options.CaptureStacks && GuardedPool.Contains((nint)block))
        {
            RecordAllocStack(block, 4); // RecordAllocStack, AllocateSampled, the allocating API, and its inlined caller
        }

        return block;
    }

    // Release mode's unsampled block: what NativeMemory gives (free() releases both forms on Linux); null when it cannot.
    private static void* AllocatePlain(nuint length, nuint alignment)
    {
        try
        {
            return alignment <= 16 ? NativeMemory.Alloc(length) : NativeMemory.AlignedAlloc(length == 0 ? 1 : length, alignment);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="pointer"/> is a plain block: of release mode (not sampled), or given untracked
    /// because the table was full (forgotten here: true once per block). It is freed with <see cref="NativeMemory.Free"/>
    /// and nothing is checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPlain(nint pointer) =>
        s_release ? !GuardedPool.Contains(pointer) : Volatile.Read(ref s_anyUntracked) && s_untracked.TryRemove(pointer, out _);

    /// <summary>Frees a tracked block (modes 1 and 2, or a sampled block in release mode) and reports a double or invalid
    /// free, or a damaged redzone, as an <see cref="InteropViolationException"/>.</summary>
    /// <param name="pointer">The block's first user byte.</param>
    /// <param name="site">The freeing site (an unrecorded site is resolved from the stack only when there is a report).</param>
    /// <param name="api">The API for the report when the site is unrecorded, e.g. "NativeBuffer.Dispose".</param>
    [SkipLocalsInit]
    public static void FreeTracked(nint pointer, SourceSite site, string api)
    {
        IgViolation native = default;
        ulong id = 0;
        if (GuardRuntime.Options.CaptureStacks)
        {
            IgRange range;
            if (IgNative.ig_lookup((void*)pointer, 0, &range) != IgConstants.LookupUnknown)
            {
                id = range.Id;
            }
        }

        bool sampled = s_release && GuardedPool.Contains(pointer);
        IgStatus status = IgNative.ig_free_at((void*)pointer, site.Id, &native);
        if (status == IgStatus.Ok)
        {
            if (sampled)
            {
                ReleasedRangeFilter.Add(pointer, 1); // release mode: a later use at a call runs the full check
            }

            if (id != 0)
            {
                StackStore.RecordRelease(id, site.Stack ?? SiteRegistry.CaptureStack(2));
            }

            return;
        }

        if (status == IgStatus.Overflow && native.HasRange != 0 && ReportedOverflows.TakeAtFree(native.Range.Id))
        {
            return; // Guard.Verify reported this damage already; the block is freed
        }

        // A bad free is rare: name the real caller of a plain Dispose() now (the stack walk is affordable here).
        site = CallerSite.Resolve(site, api);
        Violation? violation = FreeCheck.Detect(status, pointer, in native, site);
        if (violation is not null)
        {
            Reporter.Report(violation, throwOnReport: true);
        }
    }

    private static void RecordAllocStack(void* block, int skipFrames)
    {
        IgRange range;
        if (IgNative.ig_lookup(block, 0, &range) != IgConstants.LookupUnknown)
        {
            StackStore.RecordAlloc(range.Id, SiteRegistry.CaptureStack(skipFrames));
        }
    }
}
