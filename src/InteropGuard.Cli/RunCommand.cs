// RunCommand.cs: `interopguard run [options] -- <command...>`: runs a .NET program in InteropGuard mode 2 and summarises the violations its validator found.
using System;
using System.CommandLine;

namespace InteropGuard.Cli;

/// <summary>Defines the <c>run</c> command; the work is <see cref="RunSession"/>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var program = new Argument<string[]>("command")
        {
            Description = "The program and its arguments, after --, e.g. -- dotnet MyApp.dll --port 80.",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string> report = ReportOptions.Format("Report format of --out: text, json (one object per line) or sarif (SARIF 2.1.0). Without --out, json and sarif are printed on stdout after the program ends; text is on the program's stderr.");
        Option<string?> output = ReportOptions.Out("The report file (replaced). run owns report_path/report_format of INTEROPGUARD_OPTIONS.");
        var command = new Command("run", "Run a .NET program with INTEROPGUARD=2 (its validator from start-up; call-boundary checks when it was built with the InteropGuard package, which it need not be), then summarise the violations. " +
            "Exit code 1 when any violation was reported, else the program's exit code (2 when run cannot start it).");
        command.Arguments.Add(program);
        command.Options.Add(report);
        command.Options.Add(output);
        command.SetAction(result =>
        {
            var request = new RunRequest(result.GetValue(program) ?? [], ReportOptions.Parse(result.GetValue(report)), result.GetValue(output),
                Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS"));
            if (request.Command.Count == 0)
            {
                Console.Error.WriteLine("interopguard: run needs a command: interopguard run [--report FORMAT] [--out FILE] -- <program> [args...]");
                return RunSession.Error;
            }

            return RunSession.Run(request, Console.Out, Console.Error);
        });
        return command;
    }
}
