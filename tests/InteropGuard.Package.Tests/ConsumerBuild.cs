// ConsumerBuild.cs: creates the consumer console app in a temp folder, restores it against a local feed holding the
// packed InteropGuard package, builds and runs it; used by PackageEndToEndTests.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace InteropGuard.Package.Tests;

/// <summary>One consumer app (a variant's Program source) in its own temp folder, with its own package cache so a
/// freshly packed InteropGuard of the same version is never shadowed by an older copy in ~/.nuget/packages.</summary>
internal sealed class ConsumerBuild
{
    private readonly string _root;

    private ConsumerBuild(string root, string packageVersion)
    {
        _root = root;
        PackageVersion = packageVersion;
    }

    public string PackageVersion { get; }

    public string ProjectDirectory => Path.Combine(_root, "app");

    /// <summary>The repository root (baked in at build time).</summary>
    public static string RepoRoot =>
        typeof(ConsumerBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "IgRepoRoot").Value!;

    /// <summary>The newest InteropGuard package in artifacts/packages, or null when Pack has not run.</summary>
    public static string? FindPackage() =>
        Directory.Exists(Path.Combine(RepoRoot, "artifacts", "packages"))
            ? Directory.GetFiles(Path.Combine(RepoRoot, "artifacts", "packages"), "InteropGuard.*.nupkg")
                // InteropGuard.<digit>...: not InteropGuard.Cli.*, the tool package beside it.
                .Where(p => char.IsAsciiDigit(Path.GetFileName(p)["InteropGuard.".Length]) && !Path.GetFileName(p).Contains(".symbols.", StringComparison.Ordinal))
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;

    /// <summary>Writes the app (csproj, the variant's source, nuget.config, the sample library) into a new temp folder.</summary>
    public static ConsumerBuild Create(string packagePath, string variantSource)
    {
        string name = Path.GetFileNameWithoutExtension(packagePath); // InteropGuard.0.1.0
        string version = name.Substring("InteropGuard.".Length);
        string root = Path.Combine(Path.GetTempPath(), "ig-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        string feed = Path.Combine(root, "feed");
        string app = Path.Combine(root, "app");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        File.Copy(packagePath, Path.Combine(feed, Path.GetFileName(packagePath)));

        string assets = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        File.Copy(Path.Combine(assets, "Consumer.csproj.template"), Path.Combine(app, "Consumer.csproj"));
        File.Copy(Path.Combine(assets, variantSource), Path.Combine(app, "Program.cs"));
        File.Copy(Path.Combine(assets, "libigsample.so"), Path.Combine(app, "libigsample.so"));
        // The local feed first; the machine's own sources stay (the SDK may still want its packs).
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="interopguard-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        return new ConsumerBuild(root, version);
    }

    /// <summary>A fresh console app as a user makes one: <c>dotnet new console</c>, a nuget.config naming the local feed,
    /// <c>dotnet add package InteropGuard</c> when <paramref name="withPackage"/> (no other edit of the project file), and
    /// FreshApp/Program.cs as its Program.cs. The sample library is found through LD_LIBRARY_PATH (<see cref="NativeDirectory"/>).</summary>
    public static ConsumerBuild CreateFresh(string packagePath, bool withPackage) =>
        CreateFresh(packagePath, withPackage, Path.Combine("FreshApp", "Program.cs"), []);

    /// <summary>A fresh console app as <see cref="CreateFresh(string, bool)"/> makes it, with <paramref name="program"/>
    /// (a path under the test's output) as its Program.cs and <c>dotnet add package</c> of each of
    /// <paramref name="otherPackages"/> (exact versions) after InteropGuard's.</summary>
    public static ConsumerBuild CreateFresh(string packagePath, bool withPackage, string program, IReadOnlyList<(string Id, string Version)> otherPackages)
    {
        string name = Path.GetFileNameWithoutExtension(packagePath);
        string version = name.Substring("InteropGuard.".Length);
        string root = Path.Combine(Path.GetTempPath(), "ig-fresh-" + Guid.NewGuid().ToString("N")[..8]);
        string feed = Path.Combine(root, "feed");
        Directory.CreateDirectory(feed);
        File.Copy(packagePath, Path.Combine(feed, Path.GetFileName(packagePath)));
        var build = new ConsumerBuild(root, version);
        Directory.CreateDirectory(root);
        (int created, string log) = build.Run("dotnet", ["new", "console", "-o", build.ProjectDirectory, "-n", "Consumer", "--no-restore"], null, workingDirectory: root);
        if (created != 0)
        {
            throw new InvalidOperationException("dotnet new console failed:\n" + log);
        }

        File.WriteAllText(Path.Combine(build.ProjectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="interopguard-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        if (withPackage)
        {
            (int added, string addLog) = build.Run("dotnet", ["add", "package", "InteropGuard", "--version", version], null);
            if (added != 0)
            {
                throw new InvalidOperationException("dotnet add package failed:\n" + addLog);
            }
        }

        foreach ((string id, string packageVersion) in otherPackages)
        {
            (int added, string addLog) = build.Run("dotnet", ["add", "package", id, "--version", packageVersion], null);
            if (added != 0)
            {
                throw new InvalidOperationException($"dotnet add package {id} failed:\n" + addLog);
            }
        }

        File.Copy(Path.Combine(AppContext.BaseDirectory, program), Path.Combine(build.ProjectDirectory, "Program.cs"), overwrite: true);
        return build;
    }

    /// <summary>The folder holding libigsample.so (the test's output), for LD_LIBRARY_PATH.</summary>
    public static string NativeDirectory => Path.Combine(AppContext.BaseDirectory, "ConsumerApp");

    /// <summary>dotnet build of a fresh app (no extra properties: the project is as <c>dotnet new</c> left it).</summary>
    public (int ExitCode, string Output) BuildFresh() => Run("dotnet", ["build", "--nologo"], null);

    /// <summary>Runs <paramref name="arguments"/> (a whole command line) in the project folder.</summary>
    public (int ExitCode, string Output) RunCommand(IDictionary<string, string?> environment, params string[] arguments) =>
        Run(arguments[0], arguments[1..], environment);

    /// <summary>dotnet build in <paramref name="configuration"/> with extra <paramref name="properties"/>
    /// (<c>-p:Name=Value</c>); returns the exit code and the build output.</summary>
    public (int ExitCode, string Output) Build(string configuration, params string[] properties) =>
        Run("dotnet", ["build", "-c", configuration, "-p:IgPackageVersion=" + PackageVersion, "--nologo", .. properties], null);

    /// <summary>The built Consumer.dll of <paramref name="configuration"/>.</summary>
    public string AssemblyPath(string configuration) =>
        Path.Combine(ProjectDirectory, "bin", configuration, "net10.0", "Consumer.dll");

    /// <summary>Runs the built app with the given InteropGuard environment (null values remove a variable) and arguments.</summary>
    public (int ExitCode, string Output) RunApp(string configuration, IDictionary<string, string?> environment, params string[] arguments) =>
        Run("dotnet", [AssemblyPath(configuration), .. arguments], environment);

    /// <summary>Runs the built app under the validator the package copied into its output, as
    /// <c>dotnet interopguard/InteropGuard.Cli.dll run [runOptions] -- dotnet Consumer.dll [arguments]</c>.</summary>
    public (int ExitCode, string Output) RunUnderCli(string configuration, IDictionary<string, string?> environment, string[] runOptions, params string[] arguments) =>
        Run("dotnet", [Path.Combine(Path.GetDirectoryName(AssemblyPath(configuration))!, "interopguard", "InteropGuard.Cli.dll"), "run", .. runOptions, "--",
            "dotnet", AssemblyPath(configuration), .. arguments], environment);

    /// <summary>Runs the built app as <see cref="RunApp(string, IDictionary{string, string?}, string[])"/> does, calling
    /// <paramref name="whileRunning"/> with its pid once it started (fault injection), and waits up to
    /// <paramref name="timeout"/>.</summary>
    public (int ExitCode, string Output) RunApp(string configuration, IDictionary<string, string?> environment, Action<int> whileRunning,
        TimeSpan timeout, params string[] arguments) =>
        Run("dotnet", [AssemblyPath(configuration), .. arguments], environment, whileRunning, timeout);

    /// <summary>Removes the temp folder (best effort).</summary>
    public void Delete()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private (int ExitCode, string Output) Run(string file, string[] arguments, IDictionary<string, string?>? environment,
        Action<int>? whileRunning = null, TimeSpan? timeout = null, string? workingDirectory = null) =>
        // A private package cache: the same version packed again must not be served from ~/.nuget/packages.
        DotnetCommand.Run(workingDirectory ?? ProjectDirectory, Path.Combine(_root, "packages"), file, arguments, environment, whileRunning, timeout);
}
