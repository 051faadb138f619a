// Program.cs: the `interopguard` tool's entry point: a System.CommandLine root that registers one command per file (serve; attach and run come later).
using System.CommandLine;

namespace InteropGuard.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("InteropGuard: sweeps a .NET process for native references to unpinned or dead managed memory, damaged redzones and leaked pins.");
        root.Subcommands.Add(ServeCommand.Create());
        return root.Parse(args).Invoke();
    }
}
