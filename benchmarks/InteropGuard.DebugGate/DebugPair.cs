// DebugPair.cs - one workload of the Debug gate: a name (the budget file's key), what it does, and how a side process
// builds it; the fixed set is DebugPairs.All.
using System;

namespace InteropGuard.DebugGate;

/// <summary>A workload measured unguarded and in modes 1 and 2.</summary>
/// <param name="Name">The key in the budget file and the results (kebab-case).</param>
/// <param name="Title">What one invocation does, for the results table.</param>
/// <param name="Create">Builds the workload (its data, native state) in a side process.</param>
internal sealed record DebugPair(string Name, string Title, Func<DebugWorkload> Create);
