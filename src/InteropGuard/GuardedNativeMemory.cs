// GuardedNativeMemory.cs: a drop-in for NativeMemory.Alloc/AllocZeroed/Free that allocates from the InteropGuard allocator (tracked in modes 1 and 2, sampled in release mode).
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>Native memory as raw pointers, for code that uses <see cref="NativeMemory"/> today: replace
/// <c>NativeMemory.Alloc</c>/<c>AllocZeroed</c>/<c>Free</c> with these and the blocks become visible to InteropGuard.
/// Modes 1 and 2: shadow-allocator blocks (redzones, poisoning and quarantine after free, reports naming the allocation
/// and free sites), like <see cref="NativeBuffer"/> without the object. Release mode: a plain <c>malloc</c> block
/// except 1 in <c>sample_rate</c> (default 20000), which ends at a guard page, so an overflow or a use after free of a
/// sampled block faults with a report; the unsampled cost is what <see cref="NativeMemory.Alloc(nuint)"/> costs (see
/// the BenchGate results). Mode 0: exactly <see cref="NativeMemory"/>. Free a block with <see cref="Free"/> only (a
/// <see cref="NativeMemory.Alloc(nuint)"/> pointer freed here is an <c>invalid-free</c> in modes 1 and 2).</summary>
public static unsafe class GuardedNativeMemory
{
    private static readonly bool s_enabled = GuardRuntime.Enabled;
    private static readonly bool s_release = s_enabled && GuardRuntime.Mode == GuardMode.Release;

    /// <summary>Allocates <paramref name="byteCount"/> bytes (16-byte aligned; 0 gives a unique non-null pointer).</summary>
    /// <param name="byteCount">Bytes to allocate.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <returns>The first byte; never null.</returns>
    /// <exception cref="OutOfMemoryException">The allocator could not supply the memory.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the mode tests fold: release mode leaves a countdown and NativeMemory.Alloc
    public static void* Alloc(nuint byteCount,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled)
        {
            return NativeMemory.Alloc(byteCount);
        }

        if (s_release)
        {
            // The hot path of release mode, inline: a thread-static countdown, then NativeMemory's own allocation.
            return ReleaseSampler.Next() ? AllocateSampled(byteCount, zero: false, member, file, line) : NativeMemory.Alloc(byteCount);
        }

        return AllocateTracked(byteCount, member, file, line);
    }

    /// <summary>Allocates <paramref name="byteCount"/> bytes set to zero; see <see cref="Alloc"/>.</summary>
    /// <param name="byteCount">Bytes to allocate.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <returns>The first byte; never null.</returns>
    /// <exception cref="OutOfMemoryException">The allocator could not supply the memory.</exception>
    public static void* AllocZeroed(nuint byteCount,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled)
        {
            return NativeMemory.AllocZeroed(byteCount);
        }

        if (s_release)
        {
            return ReleaseSampler.Next() ? AllocateSampled(byteCount, zero: true, member, file, line) : NativeMemory.AllocZeroed(byteCount);
        }

        void* p = NativeBlocks.Allocate(byteCount, 0, member, file, line);
        if (p == null)
        {
            ThrowOutOfMemory(byteCount);
        }

        NativeMemory.Clear(p, byteCount);
        return p;
    }

    /// <summary>Frees a block <see cref="Alloc"/> or <see cref="AllocZeroed"/> returned; null does nothing. Modes 1 and 2
    /// (and a sampled block in release mode): a second free is a <c>double-free</c>, an address never returned an
    /// <c>invalid-free</c>, a damaged redzone a <c>native-buffer-overflow</c>, thrown as
    /// <see cref="InteropViolationException"/>; the freed block stays poisoned (or inaccessible) for a while, so a later
    /// use is found.</summary>
    /// <param name="pointer">The block; null = nothing.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // release mode: one compare and NativeMemory.Free
    public static void Free(void* pointer,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled || NativeBlocks.IsPlain((nint)pointer))
        {
            NativeMemory.Free(pointer); // mode 0, or release mode's plain block: what the unguarded program does
            return;
        }

        if (pointer != null)
        {
            FreeTracked(pointer, member, file, line);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the inlined Free small
    private static void FreeTracked(void* pointer, string member, string file, int line) =>
        NativeBlocks.FreeTracked((nint)pointer, SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 2), "GuardedNativeMemory.Free");

    [MethodImpl(MethodImplOptions.NoInlining)] // modes 1 and 2, out of the inlined Alloc
    private static void* AllocateTracked(nuint byteCount, string member, string file, int line)
    {
        void* p = NativeBlocks.Allocate(byteCount, 0, member, file, line);
        return p != null ? p : ThrowOutOfMemory(byteCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // release mode's 1 in sample_rate, out of the inlined Alloc
    private static void* AllocateSampled(nuint byteCount, bool zero, string member, string file, int line)
    {
        void* p = NativeBlocks.AllocateSampled(byteCount, zero, member, file, line);
        return p != null ? p : ThrowOutOfMemory(byteCount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* ThrowOutOfMemory(nuint byteCount) =>
        throw new OutOfMemoryException($"GuardedNativeMemory: the InteropGuard allocator could not supply {byteCount} bytes.");
}
