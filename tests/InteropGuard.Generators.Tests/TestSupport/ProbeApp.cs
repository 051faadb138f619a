// ProbeApp.cs: builds a program from source with the interceptor generator, lays it out with InteropGuard.dll and the native libraries in a temp directory, and runs it as a child process.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.TestSupport;

/// <summary>What a finished child process left behind.</summary>
internal sealed record ProbeResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>A compiled probe program in its own directory.</summary>
internal sealed class ProbeApp
{
    private static readonly string[] Cleared = ["INTEROPGUARD", "INTEROPGUARD_OPTIONS", "INTEROPGUARD_NATIVE_LIB"];

    private ProbeApp(string directory, string source, string generated)
    {
        Directory = directory;
        Source = source;
        Generated = generated;
    }

    /// <summary>Where Probe.dll, InteropGuard.dll and the native libraries are.</summary>
    public string Directory { get; }

    /// <summary>The program's source (Program.cs in <see cref="Directory"/>).</summary>
    public string Source { get; }

    /// <summary>The generated interceptor file.</summary>
    public string Generated { get; }

    /// <summary>The full path of the program's source file, as baked into the generated sites.</summary>
    public string SourcePath => Path.Combine(Directory, "Program.cs");

    /// <summary>Compiles <paramref name="source"/> as Program.cs, with the shared entry point <see cref="ProbeHarness"/> as
    /// Harness.cs, with the generator on (no warnings allowed) and lays it out.</summary>
    public static ProbeApp Build(string source)
    {
        string directory = Path.Combine(Path.GetTempPath(), "ig-probe-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        string sourcePath = Path.Combine(directory, "Program.cs");
        File.WriteAllText(sourcePath, source);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, InterceptorCompilation.ParseOptions, path: sourcePath, encoding: System.Text.Encoding.UTF8);
        SyntaxTree harness = CSharpSyntaxTree.ParseText(ProbeHarness.Source, InterceptorCompilation.ParseOptions, path: Path.Combine(directory, "Harness.cs"), encoding: System.Text.Encoding.UTF8);
        CSharpCompilation compilation = CSharpCompilation.Create("Probe", [tree, harness], InterceptorCompilation.References,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));
        GeneratorRun run = InterceptorCompilation.Run(compilation);
        Assert.That(run.Problems, Is.Empty, run.Describe());
        InterceptorCompilation.Emit(run.Output, Path.Combine(directory, "Probe.dll"));
        File.WriteAllText(Path.Combine(directory, "Probe.runtimeconfig.json"),
            """{ "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "10.0.0" } } }""");
        File.Copy(typeof(InteropGuard.Guard).Assembly.Location, Path.Combine(directory, "InteropGuard.dll"));
        string native = NativeDirectory();
        foreach (string library in new[] { "libinteropguard.so", "libigtestnative.so" })
        {
            File.Copy(Path.Combine(native, library), Path.Combine(directory, library));
        }

        return new ProbeApp(directory, source, run.Generated ?? "");
    }

    /// <summary>The 1-based line of the statement marked <c>// CALL:<paramref name="marker"/></c>.</summary>
    public int LineOf(string marker)
    {
        string[] lines = Source.Split('\n');
        var pattern = new Regex("// CALL:" + Regex.Escape(marker) + @"\s*$");
        int index = Array.FindIndex(lines, l => pattern.IsMatch(l));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), "marker " + marker);
        return index + 1;
    }

    /// <summary>Runs <c>dotnet Probe.dll scenario</c> with the given environment (null values remove a variable).</summary>
    public ProbeResult Run(string scenario, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunDotnet(Path.Combine(Directory, "Probe.dll"), [scenario], Directory, environment);

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>; InteropGuard's own variables are cleared first.</summary>
    public static ProbeResult RunDotnet(string? dll, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, int timeoutSeconds = 60)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (dll is not null)
        {
            info.ArgumentList.Add(dll);
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string name in Cleared)
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"dotnet {string.Join(' ', info.ArgumentList)} did not finish in {timeoutSeconds} s\n{stdout.Result}\n{stderr.Result}");
        }

        process.WaitForExit();
        return new ProbeResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Deletes the directory (best effort).</summary>
    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>artifacts/native of the repository (built by `dotnet cake --target=Native`).</summary>
    public static string NativeDirectory()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "artifacts", "native");
            if (File.Exists(Path.Combine(candidate, "libigtestnative.so")) && File.Exists(Path.Combine(candidate, "libinteropguard.so")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("artifacts/native/libigtestnative.so not found above " + AppContext.BaseDirectory + "; run `dotnet cake --target=Native` first.");
    }

    /// <summary>The repository root (the directory holding InteropGuard.sln).</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "InteropGuard.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("InteropGuard.sln not found above " + AppContext.BaseDirectory);
    }

    private static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        if (host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            return host;
        }

        return "dotnet";
    }
}
