// AttachCommand.cs: `interopguard attach <pid> [--watch]`: sweeps a running program that has the InteropGuard runtime loaded and prints its findings.
using System;
using System.CommandLine;
using System.IO;
using InteropGuard.Reporting;
using InteropGuard.Validator;

namespace InteropGuard.Cli;

/// <summary>Defines the <c>attach</c> command; the sweeping is <see cref="AttachSession"/>, the writing <see cref="FindingReporter"/>.</summary>
internal static class AttachCommand
{
    public static Command Create()
    {
        var pid = new Argument<int>("pid") { Description = "The process to sweep: a .NET program running with the InteropGuard runtime loaded (INTEROPGUARD=1 or 2)." };
        var watch = new Option<bool>("--watch") { Description = "Sweep every --interval-ms until the process exits or Ctrl+C, printing each new finding as it appears." };
        var interval = new Option<int?>("--interval-ms")
        {
            Description = "Milliseconds between sweeps with --watch (default: validator_interval_ms of the options, else 1000).",
            HelpName = "MS",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log each sweep's pause and counts on stderr." };
        Option<string> report = ReportOptions.Format("Report format: text (as the target prints on stderr), json (one object per line) or sarif (one SARIF 2.1.0 document).");
        Option<string?> output = ReportOptions.Out("Write the report to FILE (created or truncated) instead of stdout.");
        var options = new Option<string?>("--options")
        {
            Description = "Options in INTEROPGUARD_OPTIONS syntax (key=value:key=value): detect_<kind>, pin_leak_ms, validator_interval_ms, suppressions. Default: the INTEROPGUARD_OPTIONS environment variable.",
            HelpName = "OPTIONS",
        };
        var command = new Command("attach", "Sweep a running .NET program that uses InteropGuard for native references to unpinned or dead managed memory, damaged redzones, " +
            "pointers into freed blocks or released pins, collected callbacks and leaked pins. Exit code 1 when anything was found, 0 when not, 2 on an error.");
        command.Arguments.Add(pid);
        command.Options.Add(watch);
        command.Options.Add(interval);
        command.Options.Add(verbose);
        command.Options.Add(report);
        command.Options.Add(output);
        command.Options.Add(options);
        command.SetAction(result =>
        {
            TextWriter log = Console.Error;
            string? optionText = result.GetValue(options) ?? Environment.GetEnvironmentVariable("INTEROPGUARD_OPTIONS");
            ValidatorSettings settings = ValidatorSettings.Parse(optionText, log); // says what the options string gets wrong, once
            int? intervalMs = result.GetValue(interval);
            if (intervalMs is <= 0)
            {
                log.WriteLine("interopguard: --interval-ms must be a positive number of milliseconds.");
                return AttachSession.Error;
            }

            int target = result.GetValue(pid);
            if (target <= 0)
            {
                log.WriteLine($"interopguard: '{target}' is not a process id.");
                return AttachSession.Error;
            }

            FindingReporter reporter;
            string? path = result.GetValue(output);
            try
            {
                reporter = FindingReporter.Open(ReportOptions.Parse(result.GetValue(report)), path, Console.Out, log, GuardOptions.Parse(optionText, null).Suppressions);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                log.WriteLine($"interopguard: cannot write --out '{path}': {e.Message}");
                return AttachSession.Error;
            }

            using (reporter)
            using (var signal = new CancelOnSignal())
            {
                if (result.GetValue(watch) && CancelOnSignal.InterruptIgnored)
                {
                    log.WriteLine($"interopguard: warning: this process ignores SIGINT (its parent started it so), so Ctrl+C will not stop the watch; stop it with SIGTERM (kill {Environment.ProcessId})");
                }

                var request = new AttachRequest(target, result.GetValue(watch), intervalMs ?? (settings.IntervalMs > 0 ? settings.IntervalMs : 1000),
                    result.GetValue(verbose), settings, reporter);
                return AttachSession.Run(request, log, signal.Token);
            }
        });
        return command;
    }
}
