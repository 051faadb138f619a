// TrivialCallBenchmarks.cs - the gate's call-cost pairs: a trivial P/Invoke with one pointer argument (the wrapper checks
// it) and one with no argument (nothing to check), each direct and intercepted; run in release mode by the gate.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// <c>ig_test_sum(p, 0)</c> (reads nothing) and <c>ig_test_reset()</c>, <see cref="Calls"/> calls per invocation so the
/// harness's own cost per invocation drops out; BenchmarkDotNet reports per call. The pointer is a live plain
/// <c>malloc</c> block (what most pointer arguments are in release mode: the filter misses).
/// </summary>
public unsafe class TrivialCallBenchmarks
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int Calls = 1000;

    private void* _block;
    private nint _pointer;

    [GlobalSetup]
    public void Setup()
    {
        _block = NativeMemory.AllocZeroed(64);
        _pointer = (nint)_block;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.Free(_block);

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong RawPointer()
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
    public ulong GuardedPointer()
    {
        nint pointer = _pointer;
        ulong sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            sum += GuardedTrivial.Sum(pointer, 0);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public void RawNoArgument()
    {
        for (int i = 0; i < Calls; i++)
        {
            RawTrivial.Reset();
        }
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public void GuardedNoArgument()
    {
        for (int i = 0; i < Calls; i++)
        {
            GuardedTrivial.Reset();
        }
    }
}
