// TrivialNoArgumentBenchmarks.cs - the gate's call-cost pair without arguments: ig_test_reset() direct against
// intercepted (nothing to check; light wrappers leave such calls alone); run in release mode by the gate.
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// <c>ig_test_reset()</c>, <see cref="Calls"/> calls per invocation; BenchmarkDotNet reports per call.
/// <see cref="Alternating"/> is what the gate measures: each iteration runs the side <see cref="GateAlternation"/> hands out.
/// </summary>
public class TrivialNoArgumentBenchmarks
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int Calls = 1000;

    private bool _guarded;

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _guarded = GateAlternation.Next();

    [Benchmark(OperationsPerInvoke = Calls)]
    public void Alternating()
    {
        if (_guarded)
        {
            Guarded();
        }
        else
        {
            Raw();
        }
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public void Raw()
    {
        for (int i = 0; i < Calls; i++)
        {
            RawTrivial.Reset();
        }
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [MethodImpl(MethodImplOptions.NoInlining)] // both sides reach Alternating() the same way
    public void Guarded()
    {
        for (int i = 0; i < Calls; i++)
        {
            GuardedTrivial.Reset();
        }
    }
}
