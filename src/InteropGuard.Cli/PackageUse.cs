// PackageUse.cs: whether the program `interopguard run` starts references the InteropGuard package, read from its entry assembly's deps.json; decides what run's summary says about call-boundary checks.
using System;
using System.Collections.Generic;
using System.IO;

namespace InteropGuard.Cli;

/// <summary>What run can tell about the program's build: <c>dotnet App.dll</c>, or an apphost <c>App</c> with
/// <c>App.dll</c> beside it, name the entry assembly, whose <c>App.deps.json</c> lists InteropGuard when the package (or
/// a library that references it) is in the build. Any other command (<c>dotnet test</c>, a script) is unknown.</summary>
internal enum PackageUse
{
    /// <summary>No entry assembly could be found in the command.</summary>
    Unknown,

    /// <summary>The entry assembly's deps.json, or its folder, has InteropGuard.</summary>
    Referenced,

    /// <summary>Neither the entry assembly's deps.json nor its folder has InteropGuard.</summary>
    NotReferenced,
}

/// <summary>Reads <see cref="PackageUse"/> from a command line.</summary>
internal static class ProgramBuild
{
    /// <summary>The package use of the program <paramref name="command"/> starts.</summary>
    public static PackageUse PackageUseOf(IReadOnlyList<string> command)
    {
        string? entry = EntryAssembly(command);
        if (entry is null)
        {
            return PackageUse.Unknown;
        }

        string folder = Path.GetDirectoryName(entry) ?? ".";
        if (File.Exists(Path.Combine(folder, "InteropGuard.dll")))
        {
            return PackageUse.Referenced;
        }

        string deps = Path.ChangeExtension(entry, ".deps.json");
        try
        {
            return File.Exists(deps) && File.ReadAllText(deps).Contains("\"InteropGuard/", StringComparison.OrdinalIgnoreCase)
                ? PackageUse.Referenced
                : PackageUse.NotReferenced;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PackageUse.Unknown;
        }
    }

    /// <summary><c>dotnet [host options] App.dll ...</c> → App.dll; <c>path/App</c> with <c>path/App.dll</c> → that; else null.</summary>
    private static string? EntryAssembly(IReadOnlyList<string> command)
    {
        if (command.Count == 0)
        {
            return null;
        }

        string program = command[0];
        if (Path.GetFileName(program) == "dotnet")
        {
            foreach (string arg in command)
            {
                if (arg.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(arg))
                {
                    return Path.GetFullPath(arg);
                }
            }

            return null;
        }

        string beside = program + ".dll";
        return File.Exists(program) && File.Exists(beside) ? Path.GetFullPath(beside) : null;
    }
}
