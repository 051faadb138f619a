// ReportFormat.cs: the file formats report_path can receive (option report_format).
namespace InteropGuard;

/// <summary>The format of the file named by <c>report_path</c>; stderr always receives text.</summary>
public enum ReportFormat
{
    /// <summary><c>text</c>: the same ASan-like text as on stderr, appended.</summary>
    Text = 0,
    /// <summary><c>json</c>: one JSON object per violation and line, appended.</summary>
    Json = 1,
    /// <summary><c>sarif</c>: a SARIF 2.1.0 document, rewritten whole on each report (cost grows with the number of reports).</summary>
    Sarif = 2,
}
