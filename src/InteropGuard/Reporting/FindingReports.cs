// FindingReports.cs: the report pipeline of a process that only reads findings (the `interopguard attach` tool): a finding line of the validator protocol -> Violation -> text, JSON line or SARIF; runs in the tool, never in a guarded program.
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;
using InteropGuard.Validation;
using InteropGuard.Violations;

namespace InteropGuard.Reporting;

/// <summary>Turns validator findings into the reports a mode-2 program prints for them, with the program's own parser of
/// the protocol's finding object (docs/design/validator-protocol.md) and its own formatters, so a tool prints byte for
/// byte what the program would. Pure: nothing here starts the guard runtime, reads <c>INTEROPGUARD_OPTIONS</c>, loads
/// the native library or writes anywhere. For the <c>interopguard</c> tool; programs get their reports from
/// <see cref="Guard.ViolationReported"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FindingReports
{
    /// <summary>The violation of one finding object (a <c>finding</c> line's JSON), or null when its kind is missing or
    /// unknown to this version: then <paramref name="badKind"/> holds the kind ("(none)" when missing).
    /// Throws <see cref="JsonException"/> when <paramref name="findingJson"/> is not JSON.</summary>
    /// <param name="findingJson">The finding object as JSON text.</param>
    /// <param name="toolPid">The process id of the tool that swept (the report's "found by" line names it).</param>
    /// <param name="sweep">The tool's number of the sweep (1..N).</param>
    /// <param name="targetPid">The process the tool swept.</param>
    /// <param name="badKind">The kind that could not be reported; null when a violation is returned.</param>
    public static Violation? Parse(string findingJson, int toolPid, long sweep, int targetPid, out string? badKind)
    {
        using JsonDocument doc = JsonDocument.Parse(findingJson);
        return ValidatorFindingParser.ToViolation(doc.RootElement, new AttachSweepOrigin(toolPid, sweep, targetPid), out badKind);
    }

    /// <summary>The text report (stderr's format), ending with a newline.</summary>
    /// <param name="v">A violation from <see cref="Parse"/>.</param>
    public static string Text(Violation v) => ReportFormatter.Format(v);

    /// <summary>The JSON-lines report of one violation, without the newline.</summary>
    /// <param name="v">A violation from <see cref="Parse"/>.</param>
    public static string JsonLine(Violation v) => JsonReportFormatter.FormatLine(v);

    /// <summary>One SARIF 2.1.0 document of all <paramref name="violations"/>, without a final newline; an empty list is a
    /// run with no results.</summary>
    /// <param name="violations">The violations in report order.</param>
    public static string Sarif(IReadOnlyList<Violation> violations) => SarifReportFormatter.Format(violations);

    /// <summary>The key under which a guarded program with <c>dedupe_reports=1</c> prints a site once: two violations
    /// with equal keys are the same report.</summary>
    /// <param name="v">A violation from <see cref="Parse"/>.</param>
    public static string DedupeKey(Violation v) => Reporter.DedupeKey(v);
}
