// ReportLog.cs: every report of the process in order, and where each running test's share of it begins; fed by Guard.ViolationReported.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace InteropGuard.NUnit;

/// <summary>The reports of the process in the order they were made. A test's reports are those appended between its
/// <see cref="Begin"/> and its <see cref="End"/>. Bounded: only reports some running test can still claim are kept.</summary>
internal static class ReportLog
{
    private static readonly object s_lock = new();
    private static readonly List<Violation> s_reports = [];
    private static readonly ConcurrentDictionary<string, long> s_starts = new(StringComparer.Ordinal);
    private static long s_dropped; // reports removed from the front of s_reports
    private static int s_subscribed;

    /// <summary>Starts logging (once) and marks the start of test <paramref name="testId"/>.</summary>
    public static void Begin(string testId)
    {
        if (Interlocked.Exchange(ref s_subscribed, 1) == 0)
        {
            Guard.ViolationReported += Append;
        }

        lock (s_lock)
        {
            s_starts[testId] = s_dropped + s_reports.Count;
        }
    }

    /// <summary>The reports made since test <paramref name="testId"/> began; forgets the test.</summary>
    public static IReadOnlyList<Violation> End(string testId)
    {
        lock (s_lock)
        {
            if (!s_starts.TryRemove(testId, out long start))
            {
                return [];
            }

            int from = (int)Math.Max(0, start - s_dropped);
            var mine = s_reports.GetRange(from, s_reports.Count - from);
            Trim();
            return mine;
        }
    }

    private static void Append(Violation v)
    {
        lock (s_lock)
        {
            s_reports.Add(v);
            Trim();
        }
    }

    // Drops the reports no running test began before.
    private static void Trim()
    {
        long keepFrom = s_dropped + s_reports.Count;
        foreach (long start in s_starts.Values)
        {
            keepFrom = Math.Min(keepFrom, start);
        }

        int drop = (int)(keepFrom - s_dropped);
        if (drop > 0)
        {
            s_reports.RemoveRange(0, drop);
            s_dropped += drop;
        }
    }
}
