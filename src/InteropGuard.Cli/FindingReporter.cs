// FindingReporter.cs: attach's report writer: Finding -> the runtime's Violation -> the runtime's text, JSON or SARIF (FindingReports), to stdout or --out.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using InteropGuard.Validator;

namespace InteropGuard.Cli;

/// <summary>Writes the findings of <c>interopguard attach</c> exactly as a mode-2 target would report them: each finding
/// becomes a <see cref="Violation"/> and its text, JSON line or SARIF through <see cref="FindingReports"/> (the target's
/// own parser of the protocol's finding line and its own formatters). Those are pure: nothing here touches the guard
/// runtime (whose options, native library and validator belong to a guarded program, not to this tool), so the
/// program's reporter (which reads the program's options) is not used; suppressions are applied here instead.
/// Each site is printed once, as in a guarded program (<c>dedupe_reports=1</c>); repeats are counted (<see cref="Repeats"/>).
/// Text and JSON are written as findings arrive; SARIF is one document, rewritten on each finding when it goes to a file
/// and written once by <see cref="Finish"/> when it goes to stdout.</summary>
internal sealed class FindingReporter : IDisposable
{
    private readonly ReportFormat _format;
    private readonly string? _path;
    private readonly TextWriter _out;
    private readonly TextWriter _log;
    private readonly Suppressions _suppressions;
    private readonly List<Violation> _reported = new();
    private readonly HashSet<string> _badKinds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _printedSites = new(StringComparer.Ordinal);
    private bool _finished;

    private FindingReporter(ReportFormat format, string? path, TextWriter output, TextWriter log, Suppressions suppressions)
    {
        _format = format;
        _path = path;
        _out = output;
        _log = log;
        _suppressions = suppressions;
    }

    /// <summary>Reported violations by kind.</summary>
    public ViolationTally Tally { get; } = new();

    /// <summary>Findings counted in <see cref="Tally"/> but not printed: same kind and site as one printed before (the
    /// key of a guarded program's <c>dedupe_reports=1</c>, <see cref="FindingReports.DedupeKey"/>).</summary>
    public int Repeats { get; private set; }

    /// <summary>Opens the destination: <paramref name="path"/> (created or truncated now, so an old report never
    /// survives) or <paramref name="stdout"/> when null. Throws <see cref="IOException"/>,
    /// <see cref="UnauthorizedAccessException"/> when the file cannot be written.</summary>
    public static FindingReporter Open(ReportFormat format, string? path, TextWriter stdout, TextWriter log, string? suppressionsPath)
    {
        Suppressions suppressions = Suppressions.Empty;
        if (!string.IsNullOrEmpty(suppressionsPath))
        {
            var problems = new List<string>();
            suppressions = Suppressions.Load(suppressionsPath, problems);
            if (problems.Count > 0)
            {
                log.WriteLine($"interopguard: warning: suppressions file '{suppressionsPath}': {string.Join("; ", problems)}; valid lines are kind:pattern (# comments), e.g. unpinned-managed-pointer:MyApp.Decoder");
            }
        }

        if (path is null)
        {
            return new FindingReporter(format, null, stdout, log, suppressions);
        }

        string full = Path.GetFullPath(path);
        var writer = new StreamWriter(new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        return new FindingReporter(format, full, writer, log, suppressions);
    }

    /// <summary>Reports <paramref name="finding"/> unless a suppression matches; true when it was reported.</summary>
    /// <param name="finding">A finding of a sweep.</param>
    /// <param name="toolPid">This tool's process id (the report's "found by" line).</param>
    /// <param name="sweep">This tool's number of the sweep that found it.</param>
    /// <param name="targetPid">The process swept.</param>
    public bool Report(Finding finding, int toolPid, long sweep, int targetPid)
    {
        Violation? v = FindingReports.Parse(finding.ToJson(), toolPid, sweep, targetPid, out string? badKind);
        if (v is null)
        {
            if (_badKinds.Add(badKind ?? ""))
            {
                _log.WriteLine($"interopguard: warning: the sweep found a '{badKind}' this version cannot report; it is skipped.");
            }

            return false;
        }

        if (_suppressions.Count > 0 && _suppressions.Matches(v))
        {
            return false;
        }

        Tally.Add(v.KindName);
        if (!_printedSites.Add(FindingReports.DedupeKey(v)))
        {
            Repeats++; // a site already printed: counted, not printed again (as a guarded program's dedupe_reports=1)
            return true;
        }

        _reported.Add(v);
        switch (_format)
        {
            case ReportFormat.Json:
                _out.Write(FindingReports.JsonLine(v) + "\n");
                _out.Flush();
                break;
            case ReportFormat.Sarif:
                if (_path is not null)
                {
                    RewriteSarif();
                }

                break;
            default:
                _out.Write(FindingReports.Text(v));
                _out.Flush();
                break;
        }

        return true;
    }

    /// <summary>Completes the report: the SARIF document (also when empty: a run with no results says "checked, clean").</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (_format == ReportFormat.Sarif)
        {
            if (_path is not null)
            {
                RewriteSarif();
            }
            else
            {
                _out.Write(FindingReports.Sarif(_reported) + "\n");
            }
        }

        _out.Flush();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_path is not null)
        {
            _out.Dispose();
        }
    }

    private void RewriteSarif()
    {
        var stream = (StreamWriter)_out;
        stream.Flush();
        stream.BaseStream.SetLength(0);
        stream.BaseStream.Position = 0;
        stream.Write(FindingReports.Sarif(_reported) + "\n");
        stream.Flush();
    }
}
