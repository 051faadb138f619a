// Program.cs - entry point of the scenario runner: `dotnet InteropGuard.Scenarios.dll <name>` runs one scenario
// of ScenarioTable and turns its outcome into an exit code the child-process tests assert on.
using System;
using System.Linq;

namespace InteropGuard.Scenarios;

internal static class Program
{
    /// <summary>The scenario ran to its end (with or without reports on stderr).</summary>
    internal const int ExitCompleted = 0;

    /// <summary>Bad command line or unknown scenario name.</summary>
    internal const int ExitUsage = 2;

    /// <summary>An InteropViolationException escaped the scenario (the runtime printed the report already).</summary>
    internal const int ExitViolation = 3;

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: InteropGuard.Scenarios <scenario>; scenarios: " + string.Join(", ", ScenarioTable.All.Keys.Order()));
            return ExitUsage;
        }
        if (!ScenarioTable.All.TryGetValue(args[0], out Action? scenario))
        {
            Console.Error.WriteLine($"unknown scenario '{args[0]}'; scenarios: " + string.Join(", ", ScenarioTable.All.Keys.Order()));
            return ExitUsage;
        }
        try
        {
            scenario();
        }
        catch (InteropViolationException e)
        {
            // stdout, not stderr: stderr holds exactly what the runtime printed.
            Console.WriteLine($"scenario {args[0]}: uncaught InteropViolationException {e.Violation.KindName} [{e.Violation.Id}]");
            return ExitViolation;
        }
        Console.WriteLine($"scenario {args[0]}: completed");
        return ExitCompleted;
    }
}
