// GateSetupException.cs - the gate could not measure what it promises (bad budget file, not release mode, the guarded
// side not intercepted, a benchmark failed); thrown before or while measuring, ends the gate with exit code 2.
using System;

namespace InteropGuard.BenchGate;

/// <summary>The gate cannot run or cannot trust its measurement; the message says what to fix.</summary>
internal sealed class GateSetupException(string message) : Exception(message);
