// Scenario.cs - finds the InteropGuard.Scenarios app next to the test assembly and runs one named scenario
// in a child process; the exit codes mirror tests/InteropGuard.Scenarios/Program.cs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

namespace InteropGuard.Tests.TestSupport;

internal static class Scenario
{
    /// <summary>The scenario ran to its end.</summary>
    internal const int ExitCompleted = 0;

    /// <summary>An InteropViolationException escaped the scenario.</summary>
    internal const int ExitViolation = 3;

    /// <summary>SIGABRT: what halt_on_error=1 ends the process with.</summary>
    internal const int ExitAborted = 134;

    private const string DllName = "InteropGuard.Scenarios.dll";

    /// <summary>Full path of InteropGuard.Scenarios.dll (the copy the test build placed in scenarios/).</summary>
    internal static string Dll { get; } = Locate();

    /// <summary>Directory of the scenario app (holds its .so files too).</summary>
    internal static string Directory => Path.GetDirectoryName(Dll)!;

    /// <summary>The scenario sources, for golden tests that compute the line a report must name.</summary>
    internal static string SourceFile([CallerFilePath] string self = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", "InteropGuard.Scenarios", "ScenarioTable.cs"));

    /// <summary>Runs scenario <paramref name="name"/> with extra environment variables (null value = unset).</summary>
    internal static ChildResult Run(string name, IReadOnlyDictionary<string, string?>? environment = null) =>
        ChildProcess.RunDotnet(Dll, [name], environment);

    /// <summary>Runs scenario <paramref name="name"/> with INTEROPGUARD_OPTIONS set to <paramref name="options"/>.</summary>
    internal static ChildResult RunWithOptions(string name, string options) =>
        Run(name, new Dictionary<string, string?> { ["INTEROPGUARD_OPTIONS"] = options });

    /// <summary>1-based line of the first line containing <paramref name="text"/> after the line containing <paramref name="after"/>.</summary>
    internal static int LineOf(string after, string text)
    {
        string[] lines = File.ReadAllLines(SourceFile());
        int start = Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        if (start < 0) throw new InvalidOperationException($"'{after}' not found in {SourceFile()}");
        int index = Array.FindIndex(lines, start, l => l.Contains(text, StringComparison.Ordinal));
        if (index < 0) throw new InvalidOperationException($"'{text}' not found after '{after}' in {SourceFile()}");
        return index + 1;
    }

    private static string Locate()
    {
        string baseDir = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(baseDir, "scenarios", DllName), // copied by the IgCopyScenarios target
            Path.Combine(baseDir, DllName),              // dotnet test -o <dir> puts every project in one place
        ];
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{DllName} not found; looked in: {string.Join(", ", candidates)}. Build tests/InteropGuard.Tests (it builds and copies the scenario app).");
    }
}
