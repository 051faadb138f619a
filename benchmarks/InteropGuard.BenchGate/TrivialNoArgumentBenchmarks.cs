// TrivialNoArgumentBenchmarks.cs - the gate's call-cost pair without arguments: ig_test_reset() direct against
// intercepted (nothing to check; light wrappers leave such calls alone); run in release mode by the gate.
using System;
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

    private readonly Action[][] _sides;
    private Action _run;

    /// <summary>Builds the copies of the three sides (<see cref="GateCopies"/>).</summary>
    public TrivialNoArgumentBenchmarks()
    {
        _sides = GateCopies.Delegates<Action>(this);
        _run = _sides[0][0];
    }

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _run = GateCopies.Next(_sides);

    [Benchmark(OperationsPerInvoke = Calls)]
    public void Alternating() => _run();

    /// <summary>The baseline: direct P/Invoke (and NativeMemory); one copy per <typeparamref name="TCopy"/> (<see cref="GateCopies"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Raw<TCopy>()
        where TCopy : struct
    {
        for (int i = 0; i < Calls; i++)
        {
            RawTrivial.Reset();
        }
    }

    /// <summary>The control run's stand-in for <see cref="Guarded{TCopy}"/>: <see cref="Raw{TCopy}"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Twin<TCopy>()
        where TCopy : struct
    {
        for (int i = 0; i < Calls; i++)
        {
            RawTrivial.Reset();
        }
    }

    /// <summary>Release mode: the same work through the intercepted calls (and GuardedNativeMemory); one copy per <typeparamref name="TCopy"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Guarded<TCopy>()
        where TCopy : struct
    {
        for (int i = 0; i < Calls; i++)
        {
            GuardedTrivial.Reset();
        }
    }
}
