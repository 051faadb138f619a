// BlockTrigger.cs: runs a rule's method-level analysis only for method bodies that contain the operations it needs; registered at compilation start by each analyzer.
using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InteropGuard.Generators.Analyzers.Support;

/// <summary>
/// Cheap first: the compiler already visits every operation once and hands each analyzer the kinds it asked for, so
/// a rule marks which of its triggers a method body contains and builds its <see cref="MethodFacts"/> (a full walk)
/// only at the end of a body that has all of them. Most bodies have none and cost one callback per invocation.
/// </summary>
internal static class BlockTrigger
{
    /// <summary>Calls <paramref name="analyze"/> at the end of each operation block in which <paramref name="classify"/>
    /// returned, across its operations, every bit of <paramref name="required"/>.</summary>
    public static void Register(CompilationStartAnalysisContext start, int required, Func<IOperation, int> classify,
        Action<OperationBlockAnalysisContext> analyze, params OperationKind[] kinds)
    {
        start.RegisterOperationBlockStartAction(block =>
        {
            var seen = new Seen();
            block.RegisterOperationAction(
                operation =>
                {
                    int bits = classify(operation.Operation);
                    if (bits != 0)
                        seen.Add(bits);
                },
                kinds);
            block.RegisterOperationBlockEndAction(end =>
            {
                if ((seen.Bits & required) == required)
                    analyze(end);
            });
        });
    }

    private sealed class Seen
    {
        private int _bits;

        public int Bits => Volatile.Read(ref _bits);

        public void Add(int bits)
        {
            int current;
            do
            {
                current = Volatile.Read(ref _bits);
                if ((current | bits) == current)
                    return;
            }
            while (Interlocked.CompareExchange(ref _bits, current | bits, current) != current);
        }
    }
}
