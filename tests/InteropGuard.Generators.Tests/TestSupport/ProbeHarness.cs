// ProbeHarness.cs: the source of the entry point every probe program shares (Harness.cs beside the probe's Program.cs): run the scenario named on the command line, print a caught violation and the report count.
namespace InteropGuard.Generators.Tests.TestSupport;

/// <summary>The harness half of <c>Probe.Program</c>; a probe's own half declares <c>static partial class Program</c>
/// with <c>private static void Run(string scenario)</c>. Its output lines are what the tests read:
/// <c>caught &lt;kind&gt; argument=&lt;path&gt;</c> for a violation thrown at a call, then <c>reports=&lt;n&gt;</c>.</summary>
internal static class ProbeHarness
{
    public const string Source = """
        // Harness.cs: the probe's entry point: runs one scenario and prints what InteropGuard reported.
        using System;
        using InteropGuard;

        namespace Probe;

        public static partial class Program
        {
            public static int Main(string[] args)
            {
                try
                {
                    Run(args[0]);
                }
                catch (InteropViolationException e)
                {
                    Console.WriteLine("caught " + e.Violation.KindName + " argument=" + e.Violation.Argument);
                }

                Console.WriteLine("reports=" + Guard.ReportCount);
                return 0;
            }
        }
        """;
}
