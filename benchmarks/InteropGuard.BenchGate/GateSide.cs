// GateSide.cs - what one BenchmarkDotNet iteration of a gate run executes: the baseline, the release-mode side, or (in
// a control run) the baseline's twin, a copy of it in a method of its own.
namespace InteropGuard.BenchGate;

/// <summary>The code an iteration runs; <see cref="GateAlternation"/> hands them out.</summary>
internal enum GateSide
{
    /// <summary><c>Raw()</c>: direct P/Invoke, NativeMemory.</summary>
    Baseline,

    /// <summary><c>Guarded()</c>: intercepted P/Invoke, GuardedNativeMemory, in release mode.</summary>
    Guarded,

    /// <summary><c>Twin()</c>: the same code as <c>Raw()</c> in another method, run in place of <c>Guarded()</c> by a
    /// control run, so the control sees what two distinct methods differ by when their code is the same (placement,
    /// tiering) as well as the noise.</summary>
    Twin,
}
