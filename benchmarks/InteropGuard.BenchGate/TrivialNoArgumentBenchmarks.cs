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

    private GateSide _side;

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _side = GateAlternation.Next();

    [Benchmark(OperationsPerInvoke = Calls)]
    public void Alternating()
    {
        switch (_side)
        {
            case GateSide.Guarded:
                Guarded();
                break;
            case GateSide.Twin:
                Twin();
                break;
            default:
                Raw();
                break;
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

    /// <summary>The control run's stand-in for <see cref="Guarded"/>: <see cref="Raw"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // reached from Alternating() as Raw() is
    public void Twin()
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
