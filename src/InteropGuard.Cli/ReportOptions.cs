// ReportOptions.cs: the --report and --out options shared by attach and run, and the mapping of --report to the runtime's ReportFormat.
using System.CommandLine;

namespace InteropGuard.Cli;

/// <summary>Builds the report options; each command gets its own instances (an option belongs to one command).</summary>
internal static class ReportOptions
{
    /// <summary><c>--report text|json|sarif</c>, default text.</summary>
    public static Option<string> Format(string description)
    {
        var option = new Option<string>("--report")
        {
            Description = description,
            DefaultValueFactory = _ => "text",
            HelpName = "text|json|sarif",
        };
        option.AcceptOnlyFromAmong("text", "json", "sarif");
        return option;
    }

    /// <summary><c>--out FILE</c>.</summary>
    public static Option<string?> Out(string description) => new("--out") { Description = description, HelpName = "FILE" };

    /// <summary>The runtime's format for a --report value (already validated by the parser).</summary>
    public static ReportFormat Parse(string? text) => text switch
    {
        "json" => ReportFormat.Json,
        "sarif" => ReportFormat.Sarif,
        _ => ReportFormat.Text,
    };

    /// <summary>The option spelling (report_format=...) of a format.</summary>
    public static string Name(ReportFormat format) => format switch
    {
        ReportFormat.Json => "json",
        ReportFormat.Sarif => "sarif",
        _ => "text",
    };
}
