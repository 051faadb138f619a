// SourceRoot.cs: the repository root of a source file (nearest ancestor holding .git), so SARIF can give repository-relative URIs; runs only while a SARIF report is written.
using System;
using System.Collections.Concurrent;
using System.IO;

namespace InteropGuard.Reporting;

/// <summary>Finds the directory a source path is relative to in code-scanning tools: the nearest ancestor that holds
/// a <c>.git</c> directory or file (worktrees, submodules). Answers are cached per directory; file-system errors
/// count as "no root".</summary>
internal static class SourceRoot
{
    private static readonly ConcurrentDictionary<string, string?> s_byDirectory = new(StringComparer.Ordinal);

    /// <summary>The root directory of <paramref name="file"/> with a trailing separator, or null when the path is not
    /// rooted or no ancestor holds <c>.git</c>.</summary>
    public static string? Of(string file)
    {
        if (file.Length == 0 || !Path.IsPathRooted(file))
        {
            return null;
        }

        string? directory = Path.GetDirectoryName(file);
        return directory is null ? null : s_byDirectory.GetOrAdd(directory, Find);
    }

    private static string? Find(string directory)
    {
        try
        {
            for (DirectoryInfo? d = new(directory); d is not null; d = d.Parent)
            {
                string git = Path.Combine(d.FullName, ".git");
                if (Directory.Exists(git) || File.Exists(git))
                {
                    return Path.TrimEndingDirectorySeparator(d.FullName) + Path.DirectorySeparatorChar;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.SecurityException)
        {
            // No root: the caller falls back to an absolute URI.
        }

        return null;
    }
}
