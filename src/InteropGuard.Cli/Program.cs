// Program.cs: the `interopguard` tool's entry point: a System.CommandLine root that registers one command per file (attach, run, serve).
using System;
using System.CommandLine;
using System.CommandLine.Help;

namespace InteropGuard.Cli;

internal static class Program
{
    /// <summary>Exit code of a command line that does not parse (1 means "violations found" for attach and run).</summary>
    private const int UsageError = 2;

    private static int Main(string[] args)
    {
        var root = new RootCommand("InteropGuard: sweeps a .NET process for native references to unpinned or dead managed memory, damaged redzones and leaked pins.");
        root.Subcommands.Add(AttachCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine("interopguard: " + error.Message);
            }

            Console.Error.WriteLine("interopguard: see 'interopguard " + (parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ") + "--help'.");
            return UsageError;
        }

        return parsed.Invoke();
    }
}
