// RunSession.cs: one `interopguard run`: start the program in mode 2 with run's report options, wait, count the violations in its report, summarise, choose the exit code.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using InteropGuard.Reporting;

namespace InteropGuard.Cli;

/// <summary>What <c>run</c> was asked to do.</summary>
/// <param name="Command">The program and its arguments.</param>
/// <param name="Format">--report.</param>
/// <param name="OutPath">--out, or null.</param>
/// <param name="Options">The user's INTEROPGUARD_OPTIONS (null = unset).</param>
internal sealed record RunRequest(IReadOnlyList<string> Command, ReportFormat Format, string? OutPath, string? Options);

/// <summary>Runs a program under InteropGuard mode 2. This tool does not sweep: the program's own runtime starts its
/// validator child (<c>INTEROPGUARD=2</c>), which sweeps at start-up, on its timer and at exit, and reports go through
/// the program's reporter: text on the program's stderr, and the file this session names in <c>report_path</c>. So the
/// program is started directly (a <c>Process</c> child), which is fine because nothing here attaches to it
/// (docs/design/validator-protocol.md, Faults). The program need not reference the package: <c>DOTNET_STARTUP_HOOKS</c>
/// names this tool's <see cref="StartupHook"/>, which starts the runtime before Main (from this tool's InteropGuard.dll
/// when the program has none), so the validator checks native memory of any .NET program without recompiling; the
/// summary then says which checks needed the package. run owns <c>report_path</c> and <c>report_format</c>; the
/// user's other options pass through, and <c>validator_path</c> defaults to this tool's own InteropGuard.Cli.dll.</summary>
internal static class RunSession
{
    /// <summary>Exit code when run itself fails (bad options, the program cannot be started).</summary>
    public const int Error = 2;

    /// <summary>Exit code when violations were found (the program's own code otherwise).</summary>
    public const int Found = 1;

    private static readonly string[] s_owned = ["report_path", "report_format"];

    /// <summary>Runs the program; returns 1 when any violation was reported, else the program's exit code (2 when run
    /// could not start it).</summary>
    public static int Run(RunRequest request, TextWriter stdout, TextWriter log)
    {
        if (request.OutPath is { } given && (given.Contains(':', StringComparison.Ordinal) || given.Contains("%p", StringComparison.Ordinal)))
        {
            log.WriteLine($"interopguard: --out '{given}' cannot be passed in INTEROPGUARD_OPTIONS (':' separates options, '%p' would name one file per process); choose a plain path.");
            return Error;
        }

        var removed = new List<string>();
        string options = OptionsText.Without(request.Options, s_owned, removed);
        if (removed.Count > 0)
        {
            log.WriteLine($"interopguard: warning: run owns {string.Join(" and ", removed)}; the value(s) in INTEROPGUARD_OPTIONS are ignored (use --out and --report).");
        }

        bool temporary = request.OutPath is null;
        ReportFormat fileFormat = temporary && request.Format == ReportFormat.Text ? ReportFormat.Json : request.Format;
        string path = temporary
            ? Path.Combine(Path.GetTempPath(), $"interopguard-run-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.{ReportOptions.Name(fileFormat)}")
            : Path.GetFullPath(request.OutPath!);
        try
        {
            File.Delete(path); // the runtime appends text and JSON: start from nothing
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            log.WriteLine($"interopguard: cannot write --out '{path}': {e.Message}");
            return Error;
        }

        options = OptionsText.With(options, "report_path", path);
        options = OptionsText.With(options, "report_format", ReportOptions.Name(fileFormat));
        if (GuardOptions.Parse(options, null).Get("report_path") != path)
        {
            log.WriteLine($"interopguard: --out '{path}' cannot be passed in INTEROPGUARD_OPTIONS (a path of at most 255 bytes without '=' or ':'); choose a shorter plain path.");
            return Error;
        }

        if (GuardOptions.Parse(options, null).ValidatorPath is null)
        {
            string? validator = OwnValidator();
            if (validator is null)
            {
                log.WriteLine("interopguard: warning: this tool's InteropGuard.Cli.dll was not found next to it; the program looks for its validator itself (validator_path, next to InteropGuard.dll, PATH).");
            }
            else
            {
                options = OptionsText.With(options, "validator_path", validator);
            }
        }

        string shown = Display(request.Command);
        int exitCode;
        using (var signals = new RunSignals())
        {
            var info = new ProcessStartInfo(request.Command[0]) { UseShellExecute = false };
            for (int i = 1; i < request.Command.Count; i++)
            {
                info.ArgumentList.Add(request.Command[i]);
            }

            info.Environment["INTEROPGUARD"] = "2";
            info.Environment["INTEROPGUARD_OPTIONS"] = options;
            if (OwnStartupHook() is { } hook)
            {
                info.Environment.TryGetValue(StartupHooksVariable, out string? hooks);
                info.Environment[StartupHooksVariable] = string.IsNullOrEmpty(hooks) ? hook : hooks + Path.PathSeparator + hook;
            }
            else
            {
                log.WriteLine("interopguard: warning: this tool's InteropGuard.Cli.dll was not found next to it; a program built without the InteropGuard package runs unchecked.");
            }

            Process? process;
            try
            {
                process = Process.Start(info);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException)
            {
                log.WriteLine($"interopguard: cannot start '{request.Command[0]}': {e.Message}");
                return Error;
            }

            if (process is null)
            {
                log.WriteLine($"interopguard: cannot start '{request.Command[0]}'.");
                return Error;
            }

            using (process)
            {
                signals.Child = process.Id;
                process.WaitForExit();
                exitCode = process.ExitCode;
            }
        }

        var problems = new List<string>();
        ViolationTally tally = ReportCounter.Count(path, fileFormat, problems);
        foreach (string problem in problems)
        {
            log.WriteLine("interopguard: warning: " + problem);
        }

        Deliver(request, path, fileFormat, temporary, stdout, log);
        string where = temporary ? "" : "; report: " + path;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"interopguard: {tally} in {shown}; program exit code {exitCode}{where}"));
        if (ProgramBuild.PackageUseOf(request.Command) == PackageUse.NotReferenced)
        {
            log.WriteLine("interopguard: the program was built without the InteropGuard package: the validator checked native memory (library data) "
                + "from start-up to exit; the call-boundary checks need the package (pointer arguments, call-scoped pins of arrays, spans and strings, "
                + "callbacks, SafeHandles at each P/Invoke): add <PackageReference Include=\"InteropGuard\" /> to get them.");
        }
        return tally.Total > 0 ? Found : exitCode;
    }

    /// <summary>--out: make sure the file exists (empty, or an empty SARIF run: "checked, nothing found"). No --out: json
    /// or sarif asked for goes to stdout after the program's own output; text was on stderr already; the file is deleted.</summary>
    private static void Deliver(RunRequest request, string path, ReportFormat format, bool temporary, TextWriter stdout, TextWriter log)
    {
        try
        {
            if (!File.Exists(path))
            {
                File.WriteAllText(path, format == ReportFormat.Sarif ? FindingReports.Sarif([]) + "\n" : "", new UTF8Encoding(false));
            }

            if (temporary)
            {
                if (request.Format != ReportFormat.Text)
                {
                    stdout.Write(File.ReadAllText(path));
                    stdout.Flush();
                }

                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"interopguard: warning: the report '{path}': {e.Message}");
        }
    }

    /// <summary>The environment variable of .NET startup hooks (assembly paths separated by ':').</summary>
    private const string StartupHooksVariable = "DOTNET_STARTUP_HOOKS";

    /// <summary>This tool's assembly, which holds the <see cref="StartupHook"/>, or null.</summary>
    private static string? OwnStartupHook()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "InteropGuard.Cli.dll");
        return File.Exists(dll) && !dll.Contains(Path.PathSeparator, StringComparison.Ordinal) ? dll : null;
    }

    /// <summary>This tool's InteropGuard.Cli.dll (what the program's runtime starts as its validator), or null.</summary>
    private static string? OwnValidator()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "InteropGuard.Cli.dll");
        return File.Exists(dll) && !dll.Contains(':', StringComparison.Ordinal) ? dll : null;
    }

    private static string Display(IReadOnlyList<string> command)
    {
        var sb = new StringBuilder();
        foreach (string arg in command)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(arg.Length == 0 || arg.AsSpan().IndexOfAny(" \t\"'") >= 0 ? "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : arg);
        }

        return sb.ToString();
    }
}
