// BufferChurnBenchmarks.cs - the gate's native buffer churn: mixed-size native buffers allocated, written and read by
// native code, and freed, with NativeMemory + direct P/Invoke against GuardedNativeMemory + intercepted P/Invoke
// (release mode: plain malloc blocks, 1 in sample_rate before a guard page); run in release mode by the gate.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// Per invocation, <see cref="Buffers"/> steps over a ring of <see cref="Live"/> slots: free the slot's buffer, allocate
/// the next size of a fixed sequence (64 B – 16 KiB, log-uniform), <c>memset</c> it (libc) and <c>crc32</c> it (zlib),
/// so every buffer is written and read by native code and <see cref="Live"/> buffers of mixed sizes are always live.
/// The sequence has <see cref="SequenceLength"/> sizes (a prime, not a multiple of the ring or of an invocation) and
/// each side's position in it carries over between invocations, so malloc never settles into one fixed placement of
/// the buffers: a placement's alignment moves memset/crc32 times by a few percent, and a side measured on one lucky
/// placement would swamp the difference the gate looks for. Each side owns its ring and position; the buffers left at
/// the end are freed in cleanup.
/// </summary>
public unsafe class BufferChurnBenchmarks
{
    /// <summary>Allocations per invocation.</summary>
    public const int Buffers = 256;

    /// <summary>Buffers live at any time.</summary>
    public const int Live = 32;

    /// <summary>Sizes in the fixed sequence.</summary>
    public const int SequenceLength = 4099;

    private readonly int[] _sizes = WorkloadData.Sizes(SequenceLength, 64, 16384, seed: 0x5EED_0005);
    private readonly void*[] _rawRing = new void*[Live];
    private readonly void*[] _guardedRing = new void*[Live];
    private int _rawNext;
    private int _guardedNext;

    private readonly Func<nuint>[][] _sides;
    private Func<nuint> _run;

    /// <summary>Builds the copies of the three sides (<see cref="GateCopies"/>).</summary>
    public BufferChurnBenchmarks()
    {
        _sides = GateCopies.Delegates<Func<nuint>>(this);
        _run = _sides[0][0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        for (int i = 0; i < Live; i++)
        {
            NativeMemory.Free(_rawRing[i]);
            GuardedNativeMemory.Free(_guardedRing[i]);
            _rawRing[i] = null;
            _guardedRing[i] = null;
        }
    }

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _run = GateCopies.Next(_sides);

    /// <summary>What the gate measures: each iteration runs the side <see cref="GateAlternation"/> hands out.</summary>
    [Benchmark]
    public nuint Alternating() => _run();

    /// <summary>The baseline: direct P/Invoke (and NativeMemory); one copy per <typeparamref name="TCopy"/> (<see cref="GateCopies"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Raw<TCopy>()
        where TCopy : struct
    {
        void*[] ring = _rawRing;
        int next = _rawNext;
        nuint crc = 0;
        for (int i = 0; i < Buffers; i++)
        {
            int slot = next % Live;
            NativeMemory.Free(ring[slot]);
            nuint size = (nuint)_sizes[next];
            byte* buffer = (byte*)NativeMemory.Alloc(size);
            ring[slot] = buffer;
            RawLibC.Memset(buffer, i, size);
            crc = RawZlib.Crc32(crc, buffer, (uint)size);
            next = next + 1 == SequenceLength ? 0 : next + 1;
        }

        _rawNext = next;
        return crc;
    }

    /// <summary>The control run's stand-in for <see cref="Guarded{TCopy}"/>: <see cref="Raw{TCopy}"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Twin<TCopy>()
        where TCopy : struct
    {
        void*[] ring = _rawRing;
        int next = _rawNext;
        nuint crc = 0;
        for (int i = 0; i < Buffers; i++)
        {
            int slot = next % Live;
            NativeMemory.Free(ring[slot]);
            nuint size = (nuint)_sizes[next];
            byte* buffer = (byte*)NativeMemory.Alloc(size);
            ring[slot] = buffer;
            RawLibC.Memset(buffer, i, size);
            crc = RawZlib.Crc32(crc, buffer, (uint)size);
            next = next + 1 == SequenceLength ? 0 : next + 1;
        }

        _rawNext = next;
        return crc;
    }

    /// <summary>Release mode: the same work through the intercepted calls (and GuardedNativeMemory); one copy per <typeparamref name="TCopy"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Guarded<TCopy>()
        where TCopy : struct
    {
        void*[] ring = _guardedRing;
        int next = _guardedNext;
        nuint crc = 0;
        for (int i = 0; i < Buffers; i++)
        {
            int slot = next % Live;
            GuardedNativeMemory.Free(ring[slot]);
            nuint size = (nuint)_sizes[next];
            byte* buffer = (byte*)GuardedNativeMemory.Alloc(size);
            ring[slot] = buffer;
            GuardedLibC.Memset(buffer, i, size);
            crc = GuardedZlib.Crc32(crc, buffer, (uint)size);
            next = next + 1 == SequenceLength ? 0 : next + 1;
        }

        _guardedNext = next;
        return crc;
    }
}
