// DebugPair.cs - one workload of the Debug gate: a name (the budget file's key), what it does, how a side process builds
// it, and whether its cost is the allocator's; the fixed set is DebugPairs.All.
using System;

namespace InteropGuard.DebugGate;

/// <summary>A workload measured unguarded and in modes 1 and 2.</summary>
/// <param name="Name">The key in the budget file and the results (kebab-case).</param>
/// <param name="Title">What one invocation does, for the results table.</param>
/// <param name="Create">Builds the workload (its data, native state) in a side process.</param>
/// <param name="AllocatorBound">Whether what the Debug modes add to it is the shadow allocator's cost (redzones, poison,
/// quarantine): only such a pair's budget may name an anchor (<see cref="DebugBudget"/>).</param>
/// <param name="WarmInvocations">Invocations a side process runs at least in each warm-up pass before measuring.</param>
internal sealed record DebugPair(string Name, string Title, Func<DebugWorkload> Create, bool AllocatorBound = false, int WarmInvocations = 40);
