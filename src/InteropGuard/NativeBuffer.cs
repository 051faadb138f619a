// NativeBuffer.cs: guarded native memory from the shadow allocator (redzones, poisoning on free, quarantine); plain aligned memory in mode 0.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Native;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>A block of native memory for native code. In modes 1 and 2 it comes from the shadow allocator
/// (<c>ig_malloc_at</c>): redzones catch overflows, freed blocks are poisoned and quarantined so a later use is a
/// <c>native-use-after-free</c>. Costs a redzone (16–2048 bytes) and a table record per block, and quarantine memory
/// after free (<c>quarantine_mb</c>). In mode 0 it is <see cref="NativeMemory.AlignedAlloc"/>. Not finalizable: an
/// undisposed buffer leaks (native code may still use it).</summary>
public sealed unsafe class NativeBuffer : IDisposable
{
    private readonly bool _guarded;
    private int _disposed;

    private NativeBuffer(nint pointer, nint length, bool guarded)
    {
        Pointer = pointer;
        Length = length;
        _guarded = guarded;
    }

    /// <summary>The first user byte; never 0. Stays valid as a number after Dispose (that is how a use after free is found).</summary>
    public nint Pointer { get; }

    /// <summary>User bytes (0 allowed).</summary>
    public nint Length { get; }

    /// <summary>The user bytes as a span (buffers longer than <see cref="int.MaxValue"/> throw <see cref="OverflowException"/>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return new Span<byte>((void*)Pointer, checked((int)Length));
        }
    }

    /// <summary>True once <see cref="Dispose()"/> ran.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The largest alignment <see cref="Allocate"/> accepts (32 KiB, in every mode: the shadow allocator keeps
    /// the distance to an aligned start in 16 bits).</summary>
    public const int MaxAlignment = IgConstants.MaxAlignment;

    /// <summary>Allocates a block. <paramref name="length"/> 0 is allowed (a unique non-null pointer);
    /// <paramref name="alignment"/> 0 = the default (16), else a power of two up to <see cref="MaxAlignment"/>. When the
    /// shadow table is full (<c>max_ranges</c>) the block is still allocated but not tracked (no redzones, no
    /// use-after-free detection), and the first such block prints one warning.</summary>
    /// <param name="length">User bytes, 0 or more.</param>
    /// <param name="alignment">0 = 16; otherwise a power of two up to <see cref="MaxAlignment"/>.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative length, or an alignment that is negative, not a power of two
    /// or above <see cref="MaxAlignment"/>.</exception>
    /// <exception cref="OutOfMemoryException">The allocator could not supply the memory.</exception>
    public static NativeBuffer Allocate(nint length, nint alignment = 0,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (alignment < 0 || (alignment & (alignment - 1)) != 0 || alignment > MaxAlignment)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment,
                $"NativeBuffer.Allocate: alignment {alignment} is not supported: it must be 0 (the default, 16) or a power of two up to {MaxAlignment} (the InteropGuard allocator's limit, in every mode).");
        }

        if (!GuardRuntime.Enabled)
        {
            void* plain = NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), (nuint)(alignment == 0 ? 16 : alignment));
            return new NativeBuffer((nint)plain, length, guarded: false);
        }

        void* p = NativeBlocks.Allocate((nuint)length, (nuint)alignment, member, file, line);
        if (p == null)
        {
            throw new OutOfMemoryException($"NativeBuffer.Allocate: the InteropGuard allocator could not supply {length} bytes (alignment {alignment}).");
        }

        return new NativeBuffer((nint)p, length, guarded: true);
    }

    /// <summary>A block holding a copy of <paramref name="bytes"/> (same length), for data native code keeps past the call.</summary>
    /// <param name="bytes">The bytes to copy (empty gives a zero-length block).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="OutOfMemoryException">The allocator could not supply the memory.</exception>
    public static NativeBuffer CopyOf(ReadOnlySpan<byte> bytes,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        NativeBuffer buffer = Allocate(bytes.Length, 0, member, file, line);
        bytes.CopyTo(new Span<byte>((void*)buffer.Pointer, bytes.Length));
        return buffer;
    }

    /// <summary>A block holding <paramref name="text"/> encoded with <paramref name="encoding"/> (null = UTF-8) and, by
    /// default, a terminating zero of the encoding's width (1 byte for UTF-8, 2 for UTF-16): the copy to hand to native code
    /// that keeps a string (SQLITE_STATIC-style bindings, stored names) instead of pinning the managed string.
    /// <see cref="Length"/> counts the terminator.</summary>
    /// <param name="text">The text; must not be null.</param>
    /// <param name="encoding">The encoding; null = UTF-8.</param>
    /// <param name="nullTerminate">Append a terminating zero (default true).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="OutOfMemoryException">The allocator could not supply the memory.</exception>
    public static NativeBuffer FromString(string text, System.Text.Encoding? encoding = null, bool nullTerminate = true,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        encoding ??= System.Text.Encoding.UTF8;
        int terminator = nullTerminate ? encoding.GetByteCount("\0") : 0;
        int count = encoding.GetByteCount(text);
        NativeBuffer buffer = Allocate(checked(count + terminator), 0, member, file, line);
        var bytes = new Span<byte>((void*)buffer.Pointer, count + terminator);
        encoding.GetBytes(text, bytes);
        bytes[count..].Clear();
        return buffer;
    }

    /// <summary>Frees the block into quarantine (idempotent). When the same memory was already freed through
    /// <see cref="Free(nint, string, string, int)"/>, the second free is reported here (<c>double-free</c>, thrown);
    /// a damaged redzone found while freeing is a <c>native-buffer-overflow</c>. Reports name this free as
    /// "call site not recorded" unless capture_stacks=1 (naming the caller costs a ~14 µs stack walk);
    /// <see cref="Release(string, string, int)"/> records the caller for free. A violation found by this free itself
    /// (double free, overflow) is reported with the real caller.</summary>
    public void Dispose()
    {
        if (!_guarded || IsDisposed)
        {
            ReleaseCore(null);
            return;
        }

        ReleaseCore(CallerSite.ForDispose(nameof(NativeBuffer)));
    }

    /// <summary>Same as <see cref="Dispose()"/>, recording the caller as the free site at no cost.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public void Release([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ReleaseCore(_guarded ? SiteRegistry.GetFromCaller(member, file, line) : null);

    /// <summary>Frees memory by address, for code that passes ownership as a raw pointer. 0 does nothing. In modes 1 and 2
    /// a second free is a <c>double-free</c>, an address never returned (or interior) an <c>invalid-free</c> (both thrown
    /// as <see cref="InteropViolationException"/>). In mode 0 the memory is freed with <see cref="NativeMemory.AlignedFree"/>
    /// unchecked.</summary>
    /// <param name="pointer">A pointer <see cref="Allocate"/> returned; 0 = nothing.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public static void Free(nint pointer, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (pointer == 0)
        {
            return;
        }

        if (!GuardRuntime.Enabled)
        {
            NativeMemory.AlignedFree((void*)pointer);
            return;
        }

        if (NativeBlocks.IsPlain(pointer))
        {
            NativeMemory.Free((void*)pointer); // release mode, not sampled: a plain malloc block
            return;
        }

        NativeBlocks.FreeTracked(pointer, SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1), "NativeBuffer.Free");
    }

    private void ReleaseCore(SourceSite? site)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_guarded)
        {
            NativeMemory.AlignedFree((void*)Pointer);
            return;
        }

        if (NativeBlocks.IsPlain(Pointer))
        {
            NativeMemory.Free((void*)Pointer); // release mode, not sampled: a plain malloc block
            return;
        }

        NativeBlocks.FreeTracked(Pointer, site ?? SiteRegistry.Get("NativeBuffer.Dispose", "", 0), "NativeBuffer.Dispose");
    }
}
