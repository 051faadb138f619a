// DebugWorkload.cs - a built workload in a side process: the direct code the unguarded process runs, the intercepted code
// the mode-1 and mode-2 processes run, and the cleanup; built once per process, run for every iteration.
using System;

namespace InteropGuard.DebugGate;

/// <summary>One invocation of each side of a workload. Both do the same work on the same bytes: <paramref name="raw"/>
/// through <c>[NotIntercepted]</c> declarations and <c>NativeMemory</c>, <paramref name="guarded"/> through the
/// intercepted declarations (and <c>GuardedNativeMemory</c>), as a Debug build of the program would.</summary>
/// <param name="raw">One invocation, unguarded.</param>
/// <param name="guarded">One invocation, through the generated wrappers.</param>
/// <param name="cleanup">Frees what the workload holds.</param>
internal sealed class DebugWorkload(Action raw, Action guarded, Action cleanup) : IDisposable
{
    /// <summary>Runs <paramref name="invocations"/> invocations of the side's code: the guarded code unless
    /// <paramref name="unguarded"/>.</summary>
    public void Run(bool unguarded, int invocations)
    {
        Action run = unguarded ? raw : guarded;
        for (int i = 0; i < invocations; i++)
        {
            run();
        }
    }

    /// <inheritdoc />
    public void Dispose() => cleanup();
}
