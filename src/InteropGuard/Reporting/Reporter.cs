// Reporter.cs: the one reporting component: filters (detect_, suppressions), counts, prints (stderr + report_path), dedupes, raises the event, then throws or halts.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace InteropGuard.Reporting;

/// <summary>Turns detected violations into reports. Printing is serialised with one lock; checks never print.</summary>
internal static class Reporter
{
    private static readonly object s_lock = new();
    private static readonly ConcurrentDictionary<string, byte> s_seen = new(StringComparer.Ordinal);
    private static readonly List<Violation> s_sarif = [];
    private static long s_count;
    private static long s_printed;
    private static bool s_limitAnnounced;
    private static bool s_fileWarned;
    private static string? s_suppressionsPath;
    private static Suppressions s_suppressions = Suppressions.Empty;

    /// <summary>Raised for each reported violation; see <see cref="Guard.ViolationReported"/>.</summary>
    public static event Action<Violation>? ViolationReported;

    /// <summary>Violations reported so far (after filtering; including deduped and unprinted ones).</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>Replaces stderr for report text (tests); null = <see cref="Console.Error"/>.</summary>
    internal static TextWriter? ErrorOverride { get; set; }

    /// <summary>Reports <paramref name="violation"/> unless filtered. Returns true when it was reported (and
    /// <paramref name="throwOnReport"/> was false). Throws <see cref="InteropViolationException"/> when reported and
    /// <paramref name="throwOnReport"/>; with halt_on_error=1 prints, flushes and ends the process.</summary>
    public static bool Report(Violation violation, bool throwOnReport)
    {
        GuardOptions options = GuardRuntime.Options;
        if (!options.IsDetected(violation.Kind) || IsSuppressed(violation, options))
        {
            return false;
        }

        Interlocked.Increment(ref s_count);
        if (ShouldPrint(violation, options))
        {
            Print(violation, options);
        }

        Raise(violation);
        if (options.HaltOnError)
        {
            Halt(violation);
        }

        if (throwOnReport)
        {
            throw new InteropViolationException(violation);
        }

        return true;
    }

    /// <summary>Forgets dedupe state, counts and the SARIF list (tests).</summary>
    internal static void ResetForTests()
    {
        lock (s_lock)
        {
            s_seen.Clear();
            s_sarif.Clear();
            Interlocked.Exchange(ref s_count, 0);
            Interlocked.Exchange(ref s_printed, 0);
            s_limitAnnounced = false;
            s_fileWarned = false;
            s_suppressionsPath = null;
            s_suppressions = Suppressions.Empty;
        }
    }

    /// <summary>The dedupe key: kind + access site (+ range start when the site is unknown). A validator finding is
    /// keyed by the site it is filed under (the holding block's allocation), else by where the word sits and its value.</summary>
    internal static string DedupeKey(Violation v)
    {
        SourceSite? s = ReportFormatter.PrimarySite(v);
        string site;
        if (s is not null && !s.IsUnknown)
        {
            site = s.File + ":" + s.Line + ":" + s.Member;
        }
        else if (v is Violations.ValidatorViolation)
        {
            site = "?v" + ReportFormatter.Hex(v.Holder?.Address ?? 0) + "=" + ReportFormatter.Hex(v.Address) + "/" + ReportFormatter.Hex(v.RangeStart);
        }
        else
        {
            site = "?" + ReportFormatter.Hex(v.RangeStart != 0 ? v.RangeStart : v.Address);
        }

        return v.Id + "|" + site;
    }

    /// <summary>Prints one line of runtime news (a warning; text ends without a newline) where reports go, serialised
    /// with the reports. Never throws.</summary>
    public static void Warn(string line)
    {
        lock (s_lock)
        {
            Write(Error, line + "\n");
        }
    }

    private static bool ShouldPrint(Violation v, GuardOptions options)
    {
        if (options.DedupeReports && !s_seen.TryAdd(DedupeKey(v), 0))
        {
            return false;
        }

        long n = Interlocked.Increment(ref s_printed);
        if (n <= options.MaxReports)
        {
            return true;
        }

        lock (s_lock)
        {
            if (!s_limitAnnounced)
            {
                s_limitAnnounced = true;
                Write(Error, $"InteropGuard: max_reports={options.MaxReports} reached; further reports are only counted (Guard.ReportCount).\n");
            }
        }

        return false;
    }

    private static TextWriter Error => ErrorOverride ?? Console.Error;

    private static void Print(Violation v, GuardOptions options)
    {
        string text = ReportFormatter.Format(v);
        lock (s_lock)
        {
            Write(Error, text);
            string? path = options.ReportPath;
            if (path is null)
            {
                return;
            }

            try
            {
                switch (options.ReportFormat)
                {
                    case ReportFormat.Json:
                        File.AppendAllText(path, JsonReportFormatter.FormatLine(v) + "\n");
                        break;
                    case ReportFormat.Sarif:
                        s_sarif.Add(v);
                        File.WriteAllText(path, SarifReportFormatter.Format(s_sarif));
                        break;
                    default:
                        File.AppendAllText(path, text);
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                if (!s_fileWarned)
                {
                    s_fileWarned = true;
                    Write(Error, $"InteropGuard: warning: cannot write report_path '{path}': {e.Message}; reports go to stderr only.\n");
                }
            }
        }
    }

    private static void Write(TextWriter writer, string text)
    {
        try
        {
            writer.Write(text);
            writer.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr closed: the report is still counted, raised and thrown.
        }
    }

    private static bool IsSuppressed(Violation v, GuardOptions options)
    {
        string? path = options.Suppressions;
        if (path is null)
        {
            return false;
        }

        Suppressions rules;
        lock (s_lock)
        {
            if (!string.Equals(path, s_suppressionsPath, StringComparison.Ordinal))
            {
                var problems = new List<string>();
                s_suppressions = Suppressions.Load(path, problems);
                s_suppressionsPath = path;
                if (problems.Count > 0)
                {
                    Write(Error, $"InteropGuard: warning: suppressions file '{path}': {string.Join("; ", problems)}; valid lines are kind:pattern (# comments), kinds as in reports, e.g. native-use-after-free:MyApp.Decoder\n");
                }
            }

            rules = s_suppressions;
        }

        return rules.Count > 0 && rules.Matches(v);
    }

    private static void Raise(Violation v)
    {
        Action<Violation>? handlers = ViolationReported;
        if (handlers is null)
        {
            return;
        }

        foreach (Delegate d in handlers.GetInvocationList())
        {
            try
            {
                ((Action<Violation>)d)(v);
            }
            catch (Exception e)
            {
                Write(Error, "InteropGuard: warning: a ViolationReported handler threw (handlers must not throw): " + e.GetType().Name + ": " + e.Message + "\n");
            }
        }
    }

    private static void Halt(Violation v)
    {
        lock (s_lock)
        {
            Write(Error, "InteropGuard: halt_on_error=1: aborting after the report above.\n");
            try
            {
                Console.Out.Flush();
            }
            catch (IOException)
            {
                // Ignore: we are ending the process.
            }

            Environment.FailFast("InteropGuard: " + ReportFormatter.Headline(v));
        }
    }
}
