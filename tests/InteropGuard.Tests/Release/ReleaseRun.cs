// ReleaseRun.cs - runs a scenario in a child process in release mode (INTEROPGUARD=release), or with the build's
// default mode set through a copy of the scenario app's runtimeconfig.json; and finds lines of ReleaseModeScenarios.cs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Release;

internal static class ReleaseRun
{
    /// <summary>Runs <paramref name="scenario"/> with INTEROPGUARD=release and INTEROPGUARD_OPTIONS=<paramref name="options"/> (null = unset).</summary>
    internal static ChildResult Run(string scenario, string? options = null) =>
        Scenario.Run(scenario, new Dictionary<string, string?> { ["INTEROPGUARD"] = "release", ["INTEROPGUARD_OPTIONS"] = options });

    /// <summary>Runs <paramref name="scenario"/> with the runtimeconfig knob InteropGuard.DefaultMode set to
    /// <paramref name="defaultMode"/> (as the package's targets do for InteropGuardRelease=true builds) and INTEROPGUARD
    /// set to <paramref name="mode"/> (null = unset). The knob is a runtimeconfig.json property, which no environment
    /// variable sets: the child is started as <c>dotnet exec --runtimeconfig copy.json InteropGuard.Scenarios.dll</c>.</summary>
    internal static ChildResult RunWithDefaultMode(string scenario, string defaultMode, string? mode)
    {
        string original = Path.ChangeExtension(Scenario.Dll, ".runtimeconfig.json");
        JsonNode config = JsonNode.Parse(File.ReadAllText(original)) ?? throw new InvalidOperationException($"{original} is empty");
        JsonObject options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not JsonObject properties)
        {
            properties = new JsonObject();
            options["configProperties"] = properties;
        }

        properties[GuardRuntime.DefaultModeSwitch] = defaultMode;
        string copy = Path.Combine(Path.GetTempPath(), $"ig-release-{Guid.NewGuid():N}.runtimeconfig.json");
        File.WriteAllText(copy, config.ToJsonString());
        try
        {
            // RunDotnet runs `dotnet <first> <args>`: here `dotnet exec --runtimeconfig <copy> <app> <scenario>`.
            return ChildProcess.RunDotnet("exec", ["--runtimeconfig", copy, Scenario.Dll, scenario],
                new Dictionary<string, string?> { ["INTEROPGUARD"] = mode });
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>1-based line in ReleaseModeScenarios.cs of the first line containing <paramref name="text"/> after <paramref name="after"/>.</summary>
    internal static int LineIn(string after, string text)
    {
        string file = Path.Combine(Path.GetDirectoryName(Scenario.SourceFile())!, "ReleaseModeScenarios.cs");
        string[] lines = File.ReadAllLines(file);
        int start = Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        int index = start < 0 ? -1 : Array.FindIndex(lines, start, l => l.Contains(text, StringComparison.Ordinal));
        Assert.That(start >= 0 && index >= 0, $"'{text}' after '{after}' not found in {file}");
        return index + 1;
    }
}
