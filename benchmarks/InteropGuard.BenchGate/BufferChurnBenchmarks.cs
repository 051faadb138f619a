// BufferChurnBenchmarks.cs - the gate's native buffer churn: mixed-size native buffers allocated, written and read by
// native code, and freed, with NativeMemory + direct P/Invoke against GuardedNativeMemory + intercepted P/Invoke
// (release mode: plain malloc blocks, 1 in sample_rate before a guard page); run in release mode by the gate.
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

    private GateSide _side;

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
    public void NextSide() => _side = GateAlternation.Next();

    /// <summary>What the gate measures: each iteration runs the side <see cref="GateAlternation"/> hands out.</summary>
    [Benchmark]
    public nuint Alternating() => _side switch { GateSide.Guarded => Guarded(), GateSide.Twin => Twin(), _ => Raw() };

    [Benchmark]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public nuint Raw()
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

    /// <summary>The control run's stand-in for <see cref="Guarded"/>: <see cref="Raw"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // reached from Alternating() as Raw() is
    public nuint Twin()
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

    [Benchmark]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public nuint Guarded()
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
