// ReportCounter.cs: counts the violations in a report file the runtime wrote (text headlines, JSON lines, SARIF results); runs after the program under `run` exited.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace InteropGuard.Cli;

/// <summary>Reads a <c>report_path</c> file back. Text: one <c>ERROR: InteropGuard: &lt;kind&gt; on address ...</c>
/// headline per report; json: one object with a <c>kind</c> per line; sarif: <c>runs[*].results[*]</c>, kind from
/// <c>properties.kind</c> (else the rule id). Anything unreadable is listed in the problems, never thrown.</summary>
internal static class ReportCounter
{
    private const string Headline = "ERROR: InteropGuard: ";

    /// <summary>The violations in <paramref name="path"/>; a missing file means none.</summary>
    public static ViolationTally Count(string path, ReportFormat format, List<string> problems)
    {
        var tally = new ViolationTally();
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return tally;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot read the report '{path}': {e.Message}");
            return tally;
        }

        switch (format)
        {
            case ReportFormat.Json:
                CountJsonLines(text, tally, problems);
                break;
            case ReportFormat.Sarif:
                CountSarif(text, tally, problems);
                break;
            default:
                CountText(text, tally);
                break;
        }

        return tally;
    }

    private static void CountText(string text, ViolationTally tally)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(Headline, StringComparison.Ordinal))
            {
                string rest = line[Headline.Length..];
                int space = rest.IndexOf(' ', StringComparison.Ordinal);
                tally.Add(space > 0 ? rest[..space] : rest.TrimEnd());
            }
        }
    }

    private static void CountJsonLines(string text, ViolationTally tally, List<string> problems)
    {
        int bad = 0;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                tally.Add(doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("kind", out JsonElement kind)
                    && kind.ValueKind == JsonValueKind.String ? kind.GetString()! : "unknown");
            }
            catch (JsonException)
            {
                bad++;
            }
        }

        if (bad > 0)
        {
            problems.Add($"{bad} lines of the JSON report are not JSON objects (two processes writing at once?); they were not counted");
        }
    }

    private static void CountSarif(string text, ViolationTally tally, List<string> problems)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            if (!doc.RootElement.TryGetProperty("runs", out JsonElement runs) || runs.ValueKind != JsonValueKind.Array)
            {
                problems.Add("the SARIF report has no runs");
                return;
            }

            foreach (JsonElement run in runs.EnumerateArray())
            {
                if (!run.TryGetProperty("results", out JsonElement results) || results.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (JsonElement result in results.EnumerateArray())
                {
                    tally.Add(KindOf(result));
                }
            }
        }
        catch (JsonException e)
        {
            problems.Add("the SARIF report is not valid JSON: " + e.Message);
        }
    }

    private static string KindOf(JsonElement result)
    {
        if (result.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("kind", out JsonElement kind) && kind.ValueKind == JsonValueKind.String)
        {
            return kind.GetString()!;
        }

        return result.TryGetProperty("ruleId", out JsonElement rule) && rule.ValueKind == JsonValueKind.String ? rule.GetString()! : "unknown";
    }
}
