// TargetsFileTests.cs: build/InteropGuard.targets proven by real builds: a consumer project that imports it gets checked calls in Debug, none in Release, checked calls in Release when it sets InteropGuardEnabled=true, and light wrappers with the release-mode knob when it sets InteropGuardRelease=true.
using System.Collections.Generic;
using System.IO;
using InteropGuard.Generators.Interception;
using InteropGuard.Generators.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Each case runs `dotnet build` on a consumer project in a temp directory (outside the repository, so none
/// of its Directory.Build.props apply) that references InteropGuard.dll, loads the generator as an analyzer and
/// imports the targets file, as the package will; then runs the program, which makes a use-after-free through a
/// plain [DllImport]. Slow (a build each): about 10–20 s per case.</summary>
[NonParallelizable]
[Category("Build")]
public class TargetsFileTests
{
    private const string Program = """
        using System;
        using System.Runtime.InteropServices;

        internal static class TestNative
        {
            [DllImport("igtestnative", EntryPoint = "ig_test_alloc")] public static extern nint Alloc(nuint n);
            [DllImport("igtestnative", EntryPoint = "ig_test_free")] public static extern void Free(nint p);
            [DllImport("igtestnative", EntryPoint = "ig_test_sum")] public static extern ulong Sum(nint p, nuint n);
        }

        internal static class Program
        {
            private static int Main()
            {
                nint p = TestNative.Alloc(16);
                TestNative.Free(p);
                try
                {
                    TestNative.Sum(p, 16);
                    Console.WriteLine("UNCHECKED");
                }
                catch (InteropGuard.InteropViolationException e)
                {
                    Console.WriteLine("CHECKED " + e.Violation.KindName);
                }

                return 0;
            }
        }
        """;

    private string _directory = null!;

    [OneTimeSetUp]
    public void WriteProject()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ig-targets-" + System.Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        string root = ProbeApp.RepositoryRoot();
        string targets = Path.Combine(root, "src", "InteropGuard.Generators", "build", "InteropGuard.targets");
        string runtime = typeof(InteropGuard.Guard).Assembly.Location;
        string generator = typeof(PInvokeInterceptorGenerator).Assembly.Location;
        string native = ProbeApp.NativeDirectory();
        File.WriteAllText(Path.Combine(_directory, "Program.cs"), Program);
        File.WriteAllText(Path.Combine(_directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="InteropGuard" HintPath="{runtime}" />
                <Analyzer Include="{generator}" />
                <None Include="{native}/libinteropguard.so;{native}/libigtestnative.so" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
              <Import Project="{targets}" />
            </Project>
            """);
    }

    [OneTimeTearDown]
    public void DeleteProject()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string BuildAndRun(string configuration, params string[] properties) => Run(Build(configuration, properties));

    /// <summary>Builds into a folder of its own per configuration and properties; returns the folder.</summary>
    private string Build(string configuration, params string[] properties)
    {
        string output = Path.Combine(_directory, "out-" + configuration + "-" + string.Concat(properties).Replace("-p:", "", System.StringComparison.Ordinal).Replace('=', '_'));
        var args = new List<string> { "build", "Consumer.csproj", "-c", configuration, "-o", output, "--nologo", "-v", "q", "--disable-build-servers" };
        args.AddRange(properties);
        ProbeResult build = ProbeApp.RunDotnet(null, args, _directory, timeoutSeconds: 300);
        Assert.That(build.ExitCode, Is.EqualTo(0), "build failed: " + build);
        return output;
    }

    private static string Run(string output, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ProbeResult run = ProbeApp.RunDotnet(Path.Combine(output, "Consumer.dll"), [], output, environment);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return run.Stdout;
    }

    [Test]
    public void Debug_builds_check_every_PInvoke_call()
    {
        Assert.That(BuildAndRun("Debug"), Does.Contain("CHECKED native-use-after-free"));
    }

    [Test]
    public void Release_builds_generate_nothing()
    {
        Assert.That(BuildAndRun("Release"), Does.Contain("UNCHECKED"));
    }

    [Test]
    public void Release_builds_check_when_the_project_sets_InteropGuardEnabled()
    {
        Assert.That(BuildAndRun("Release", "-p:InteropGuardEnabled=true"), Does.Contain("CHECKED native-use-after-free"));
    }

    [Test]
    public void Release_builds_with_InteropGuardRelease_get_light_wrappers_and_the_release_mode_knob()
    {
        string output = Build("Release", "-p:InteropGuardRelease=true");

        string config = File.ReadAllText(Path.Combine(output, "Consumer.runtimeconfig.json"));
        Assert.That(config, Does.Match("\"InteropGuard.DefaultMode\":\\s*\"release\""), config);
        // The light wrapper checks the freed pointer in full when INTEROPGUARD=1 overrides the build's default
        // (release mode looks up only pointers into ranges recently released through the managed API; a free inside
        // native code is not recorded in its filter).
        Assert.That(Run(output, new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" }), Does.Contain("CHECKED native-use-after-free"));
        Assert.That(Run(output, new Dictionary<string, string?> { ["INTEROPGUARD"] = "0" }), Does.Contain("UNCHECKED"));
    }

    [Test]
    public void Release_builds_without_InteropGuardRelease_have_no_release_mode_knob()
    {
        string output = Build("Release");

        Assert.That(File.ReadAllText(Path.Combine(output, "Consumer.runtimeconfig.json")), Does.Not.Contain("InteropGuard"));
        Assert.That(Run(output, new Dictionary<string, string?> { ["INTEROPGUARD"] = "1" }), Does.Contain("UNCHECKED"), "nothing generated: no mode checks anything");
    }
}
