// TrivialPointerBenchmarks.cs - the gate's call-cost pair with one pointer argument: ig_test_sum(p, 0) direct against
// intercepted (the wrapper checks p against the released-range filter); run in release mode by the gate.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// <c>ig_test_sum(p, 0)</c> (reads nothing), <see cref="Calls"/> calls per invocation so the harness's own cost per
/// invocation drops out; BenchmarkDotNet reports per call. The pointer is a live plain <c>malloc</c> block (what most
/// pointer arguments are in release mode: the filter misses). <see cref="Alternating"/> is what the gate measures: each
/// iteration runs the side <see cref="GateAlternation"/> hands out.
/// </summary>
public unsafe class TrivialPointerBenchmarks
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int Calls = 1000;

    private void* _block;
    private nint _pointer;
    private readonly Func<ulong>[][] _sides;
    private Func<ulong> _run;

    /// <summary>Builds the copies of the three sides (<see cref="GateCopies"/>).</summary>
    public TrivialPointerBenchmarks()
    {
        _sides = GateCopies.Delegates<Func<ulong>>(this);
        _run = _sides[0][0];
    }

    [GlobalSetup]
    public void Setup()
    {
        _block = NativeMemory.AllocZeroed(64);
        _pointer = (nint)_block;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.Free(_block);

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _run = GateCopies.Next(_sides);

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Alternating() => _run();

    /// <summary>The baseline: direct P/Invoke (and NativeMemory); one copy per <typeparamref name="TCopy"/> (<see cref="GateCopies"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong Raw<TCopy>()
        where TCopy : struct
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += RawTrivial.Sum(pointer, 0);
        }

        return sum;
    }

    /// <summary>The control run's stand-in for <see cref="Guarded{TCopy}"/>: <see cref="Raw{TCopy}"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong Twin<TCopy>()
        where TCopy : struct
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += RawTrivial.Sum(pointer, 0);
        }

        return sum;
    }

    /// <summary>Release mode: the same work through the intercepted calls (and GuardedNativeMemory); one copy per <typeparamref name="TCopy"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong Guarded<TCopy>()
        where TCopy : struct
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += GuardedTrivial.Sum(pointer, 0);
        }

        return sum;
    }
}
