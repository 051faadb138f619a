// ReportRecorder.cs - collects the violations Guard.ViolationReported raises while a test runs (the tests of
// the native report hook and of Verify, where nothing is thrown).
using System;
using System.Collections.Generic;

namespace InteropGuard.Tests.TestSupport;

/// <summary>Subscribes on construction, unsubscribes on Dispose; thread-safe.</summary>
internal sealed class ReportRecorder : IDisposable
{
    private readonly List<Violation> _violations = [];

    internal ReportRecorder() => Guard.ViolationReported += OnReported;

    /// <summary>A copy of what was reported so far.</summary>
    internal IReadOnlyList<Violation> Violations
    {
        get
        {
            lock (_violations) return _violations.ToArray();
        }
    }

    public void Dispose() => Guard.ViolationReported -= OnReported;

    private void OnReported(Violation violation)
    {
        lock (_violations) _violations.Add(violation);
    }
}
