// TestProjectBuild.cs: a user's NUnit test project made as a user makes one (`dotnet new nunit`, `dotnet add package`), in a temp folder with a local feed of the packed packages; runs `dotnet test` on it.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace InteropGuard.Package.Tests;

/// <summary>One `dotnet new nunit` project referencing a package from artifacts/packages, with its own package cache.
/// The sample native library stays outside the project (found through <c>LD_LIBRARY_PATH</c>), so the project file is
/// the template's plus the package reference.</summary>
internal sealed class TestProjectBuild
{
    private readonly string _root;

    private TestProjectBuild(string root) => _root = root;

    public string ProjectDirectory => Path.Combine(_root, "Suite");

    private string NativeDirectory => Path.Combine(_root, "native");

    /// <summary>`dotnet new nunit`, the local feed, `dotnet add package <paramref name="packageId"/>`, and
    /// ConsumerApp/<paramref name="testsSource"/> as UnitTest1.cs. Returns the project and the log of those steps
    /// (exit code not 0 when one failed).</summary>
    public static (TestProjectBuild Project, int ExitCode, string Log) Create(string packageId, string version, string testsSource)
    {
        string root = Path.Combine(Path.GetTempPath(), "ig-nunit-" + Guid.NewGuid().ToString("N")[..8]);
        var project = new TestProjectBuild(root);
        string feed = Path.Combine(root, "feed");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(project.NativeDirectory);
        foreach (string package in Directory.GetFiles(Path.Combine(ConsumerBuild.RepoRoot, "artifacts", "packages"), "*." + version + ".nupkg"))
        {
            File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
        }

        string assets = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        File.Copy(Path.Combine(assets, "libigsample.so"), Path.Combine(project.NativeDirectory, "libigsample.so"));

        var log = new StringBuilder();
        (int code, string output) = project.Run(root, "dotnet", ["new", "nunit", "-n", "Suite", "-o", project.ProjectDirectory], null);
        log.Append(output);
        if (code != 0)
        {
            return (project, code, log.ToString());
        }

        // The local feed first; the machine's own sources stay (the template's packages come from there).
        File.WriteAllText(Path.Combine(project.ProjectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="interopguard-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.Copy(Path.Combine(assets, testsSource), Path.Combine(project.ProjectDirectory, "UnitTest1.cs"), overwrite: true);
        (code, output) = project.Run(project.ProjectDirectory, "dotnet", ["add", "package", packageId, "--version", version], null);
        log.Append(output);
        return (project, code, log.ToString());
    }

    /// <summary>`dotnet test` with the given environment (null values remove a variable) and extra arguments.</summary>
    public (int ExitCode, string Output) Test(IDictionary<string, string?> environment, params string[] arguments) =>
        Run(ProjectDirectory, "dotnet", ["test", "--nologo", .. arguments], environment);

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

    private (int ExitCode, string Output) Run(string directory, string file, string[] arguments, IDictionary<string, string?>? environment)
    {
        var all = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["LD_LIBRARY_PATH"] = NativeDirectory };
        return DotnetCommand.Run(directory, Path.Combine(_root, "packages"), file, arguments, all);
    }
}
