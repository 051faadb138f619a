// ValidatorLocator.cs: finds the validator in the documented order (validator_path, next to InteropGuard.dll, next to the app, the app's interopguard/ folder, PATH); runs once at mode-2 start-up.
using System;
using System.Collections.Generic;
using System.IO;

namespace InteropGuard.Validation;

/// <summary>Finds the validator (docs/design/validator-protocol.md, Launch): option <c>validator_path</c> (a <c>.dll</c>
/// run with dotnet, or an executable; a path that does not exist is not replaced by the search), then
/// <c>InteropGuard.Cli.dll</c> next to InteropGuard.dll, then next to the app, then in the app's <c>interopguard/</c> folder (the package copies it there), then <c>interopguard</c> on <c>PATH</c>.</summary>
internal static class ValidatorLocator
{
    /// <summary>The validator's assembly (the InteropGuard.Cli tool).</summary>
    public const string CliDll = "InteropGuard.Cli.dll";

    /// <summary>The folder under the app's output into which the InteropGuard package copies the validator.</summary>
    public const string PackageSubdirectory = "interopguard";

    /// <summary>The command-line tool's name on PATH.</summary>
    public const string ToolName = "interopguard";

    /// <summary>The command to start, or null; every place looked at is appended to <paramref name="looked"/>.</summary>
    public static ValidatorCommand? Find(string? validatorPath, List<string> looked)
    {
        if (validatorPath is not null)
        {
            looked.Add("validator_path '" + validatorPath + "'");
            string? full = FullPath(validatorPath);
            return full is not null && File.Exists(full) ? ForFile(full) : null;
        }

        foreach (string dir in Directories())
        {
            string candidate = Path.Combine(dir, CliDll);
            if (looked.Contains(candidate))
            {
                continue; // the app's directory is often InteropGuard.dll's
            }

            looked.Add(candidate);
            if (File.Exists(candidate))
            {
                return ForFile(candidate);
            }
        }

        looked.Add(ToolName + " on PATH");
        string? tool = OnPath(ToolName);
        return tool is null ? null : new ValidatorCommand(tool, [], tool);
    }

    /// <summary>A <c>.dll</c> runs with the dotnet host; anything else is executed.</summary>
    public static ValidatorCommand ForFile(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ValidatorCommand(DotnetHost(), [path], "dotnet " + path)
            : new ValidatorCommand(path, [], path);

    private static IEnumerable<string> Directories()
    {
        string? assemblyDir = null;
        try
        {
#pragma warning disable IL3000 // single-file: Location is empty; AppContext.BaseDirectory is searched next
            string location = typeof(ValidatorLocator).Assembly.Location;
#pragma warning restore IL3000
            assemblyDir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        }
        catch (NotSupportedException)
        {
            // No location (single-file, dynamic): only the app's directory.
        }

        if (!string.IsNullOrEmpty(assemblyDir))
        {
            yield return assemblyDir;
        }

        if (!string.IsNullOrEmpty(AppContext.BaseDirectory))
        {
            string appDir = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
            yield return appDir;
            yield return Path.Combine(appDir, PackageSubdirectory); // where the package's build targets copy it
        }
    }

    private static string? FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }

    private static string? OnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string? candidate = FullPath(Path.Combine(dir, name));
            if (candidate is not null && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The dotnet host: this process's own when it is one, else the SDK's <c>DOTNET_HOST_PATH</c>, else
    /// <c>$DOTNET_ROOT/dotnet</c>, else <c>dotnet</c> from PATH.</summary>
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }

        return "dotnet";
    }
}
