// TrivialPointerBenchmarks.cs - the gate's call-cost pair with one pointer argument: ig_test_sum(p, 0) direct against
// intercepted (the wrapper checks p against the released-range filter); run in release mode by the gate.
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
    private GateSide _side;

    [GlobalSetup]
    public void Setup()
    {
        _block = NativeMemory.AllocZeroed(64);
        _pointer = (nint)_block;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.Free(_block);

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _side = GateAlternation.Next();

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Alternating() => _side switch { GateSide.Guarded => Guarded(), GateSide.Twin => Twin(), _ => Raw() };

    [Benchmark(OperationsPerInvoke = Calls)]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public ulong Raw()
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += RawTrivial.Sum(pointer, 0);
        }

        return sum;
    }

    /// <summary>The control run's stand-in for <see cref="Guarded"/>: <see cref="Raw"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // reached from Alternating() as Raw() is
    public ulong Twin()
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += RawTrivial.Sum(pointer, 0);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public ulong Guarded()
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
