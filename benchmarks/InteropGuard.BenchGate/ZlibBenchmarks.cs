// ZlibBenchmarks.cs - the gate's zlib workload: checksum and compress many small records through plain P/Invoke to the
// system's libz.so.1, direct against intercepted (every pointer argument checked); run in release mode by the gate.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// Per invocation, for each of <see cref="Records"/> text records of 64 B – 4 KiB (fixed sizes and bytes): <c>crc32</c>
/// of the record, <c>compress2</c> at level 6 into one output buffer, <c>crc32</c> of the output. Three native calls and
/// four pointer arguments per record. Records and output live in native memory allocated once, so both sides pass the
/// same addresses.
/// </summary>
public unsafe class ZlibBenchmarks
{
    /// <summary>Records per invocation.</summary>
    public const int Records = 64;

    private const int Level = 6;

    private byte* _arena;
    private byte* _output;
    private nuint _outputSize;
    private readonly nint[] _offsets = new nint[Records];
    private readonly int[] _lengths = WorkloadData.Sizes(Records, 64, 4096, seed: 0x5EED_0001);

    private readonly Func<nuint>[][] _sides;
    private Func<nuint> _run;

    /// <summary>Builds the copies of the three sides (<see cref="GateCopies"/>).</summary>
    public ZlibBenchmarks()
    {
        _sides = GateCopies.Delegates<Func<nuint>>(this);
        _run = _sides[0][0];
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0x5EED_0002);
        nint total = 0;
        foreach (int length in _lengths)
        {
            total += length;
        }

        _arena = (byte*)NativeMemory.Alloc((nuint)total);
        nint offset = 0;
        for (int i = 0; i < Records; i++)
        {
            _offsets[i] = offset;
            WorkloadData.Text(_lengths[i], random).CopyTo(new Span<byte>(_arena + offset, _lengths[i]));
            offset += _lengths[i];
        }

        _outputSize = RawZlib.CompressBound(4096);
        _output = (byte*)NativeMemory.Alloc(_outputSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_arena);
        NativeMemory.Free(_output);
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
        nuint crc = 0;
        for (int i = 0; i < Records; i++)
        {
            byte* record = _arena + _offsets[i];
            uint length = (uint)_lengths[i];
            crc = RawZlib.Crc32(crc, record, length);
            nuint compressed = _outputSize;
            if (RawZlib.Compress2(_output, &compressed, record, length, Level) != 0)
            {
                throw new InvalidOperationException("compress2 failed");
            }

            crc = RawZlib.Crc32(crc, _output, (uint)compressed);
        }

        return crc;
    }

    /// <summary>The control run's stand-in for <see cref="Guarded{TCopy}"/>: <see cref="Raw{TCopy}"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Twin<TCopy>()
        where TCopy : struct
    {
        nuint crc = 0;
        for (int i = 0; i < Records; i++)
        {
            byte* record = _arena + _offsets[i];
            uint length = (uint)_lengths[i];
            crc = RawZlib.Crc32(crc, record, length);
            nuint compressed = _outputSize;
            if (RawZlib.Compress2(_output, &compressed, record, length, Level) != 0)
            {
                throw new InvalidOperationException("compress2 failed");
            }

            crc = RawZlib.Crc32(crc, _output, (uint)compressed);
        }

        return crc;
    }

    /// <summary>Release mode: the same work through the intercepted calls (and GuardedNativeMemory); one copy per <typeparamref name="TCopy"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Guarded<TCopy>()
        where TCopy : struct
    {
        nuint crc = 0;
        for (int i = 0; i < Records; i++)
        {
            byte* record = _arena + _offsets[i];
            uint length = (uint)_lengths[i];
            crc = GuardedZlib.Crc32(crc, record, length);
            nuint compressed = _outputSize;
            if (GuardedZlib.Compress2(_output, &compressed, record, length, Level) != 0)
            {
                throw new InvalidOperationException("compress2 failed");
            }

            crc = GuardedZlib.Crc32(crc, _output, (uint)compressed);
        }

        return crc;
    }
}
