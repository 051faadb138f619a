// build.cake: the build of InteropGuard (native library, managed projects, tests, demo, benchmarks, package);
// run with `dotnet tool restore && dotnet cake --target=<Target>`.

using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Debug");
var benchFilter = Argument("filter", "*");
var benchQuick = Argument("quick", true);
var benchGateShort = Argument("short", false);
// Seconds of each soak run (the stress test in tests/InteropGuard.Package.Tests/SoakTests.cs); empty = its CI default.
var soakSeconds = Argument("soak-seconds", "");

var root = MakeAbsolute(Directory("."));
var nativeBuild = root.Combine("build/native");
var artifacts = root.Combine("artifacts");
var nativeOut = artifacts.Combine("native");
var testResults = artifacts.Combine("test-results");
var solution = root.CombineWithFilePath("InteropGuard.sln");

// Runs a tool and returns its exit code; output goes straight to the console.
int Run(string tool, string arguments, DirectoryPath workingDirectory = null, IDictionary<string, string> environment = null)
{
    Information($"> {tool} {arguments}");
    return StartProcess(tool, new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = workingDirectory ?? root,
        EnvironmentVariables = environment,
    });
}

void RunOrFail(string tool, string arguments, IDictionary<string, string> environment = null)
{
    var code = Run(tool, arguments, null, environment);
    if (code != 0)
        throw new Exception($"{tool} failed with exit code {code}");
}

Task("Clean")
    .Does(() =>
{
    CleanDirectories(new[] { nativeBuild.FullPath, artifacts.FullPath });
    DotNetClean(solution.FullPath);
});

// cmake configure + build; the .so files land in artifacts/native/, where the projects copy them from.
Task("Native")
    .Does(() =>
{
    RunOrFail("cmake", $"-S native -B \"{nativeBuild}\" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIG_ARTIFACTS_DIR=\"{nativeOut}\"");
    RunOrFail("cmake", $"--build \"{nativeBuild}\" -j 2");
    Information($"native libraries: {string.Join(", ", GetFiles($"{nativeOut}/*.so").Select(f => f.GetFilename().ToString()))}");
});

Task("Build")
    .IsDependentOn("Native")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration });
});

// Builds and runs the native library and its tests (with the fuzz drivers) under one sanitizer preset of
// native/CMakePresets.json ("asan": ASan+UBSan, "tsan"); JUnit to artifacts/test-results/ctest-<preset>.xml.
// Returns the test counts; a build that fails counts as one failed test.
(int passed, int failed) RunSanitizerPreset(string preset)
{
    var native = root.Combine("native");
    var junit = testResults.CombineWithFilePath($"ctest-{preset}.xml");
    if (Run("cmake", $"--preset {preset}", native) != 0 || Run("cmake", $"--build --preset {preset}", native) != 0)
    {
        Error($"native {preset} build failed");
        return (0, 1);
    }
    var code = Run("ctest", $"--preset {preset} --output-junit \"{junit}\"", native);
    var (passed, failed) = CountJUnit(junit.FullPath);
    if (code != 0 && failed == 0)
        failed = 1; // ctest itself failed (no tests found, crash before results)
    Information($"native under {preset}: {passed} passed, {failed} failed");
    return (passed, failed);
}

// The native suite under ASan+UBSan and TSan alone (what the Test target also runs).
Task("Sanitizers")
    .Does(() =>
{
    EnsureDirectoryExists(testResults);
    var asan = RunSanitizerPreset("asan");
    var tsan = RunSanitizerPreset("tsan");
    if (asan.failed + tsan.failed > 0)
        throw new Exception($"sanitizer runs failed: asan {asan.failed}, tsan {tsan.failed} failed");
});

// ctest (plain, then under ASan+UBSan and TSan) and NUnit; all always run, the totals of all go to
// artifacts/test-results/totals.txt.
Task("Test")
    .IsDependentOn("Pack") // the package end-to-end test consumes artifacts/packages
    .Does(() =>
{
    EnsureDirectoryExists(testResults);
    CleanDirectory(testResults);

    var junit = testResults.CombineWithFilePath("ctest.xml");
    var ctestCode = Run("ctest", $"--test-dir \"{nativeBuild}\" --output-on-failure --output-junit \"{junit}\"");
    var (nativePassed, nativeFailed) = CountJUnit(junit.FullPath);
    if (ctestCode != 0 && nativeFailed == 0)
        nativeFailed = 1; // ctest itself failed (no tests found, crash before results)
    foreach (var preset in new[] { "asan", "tsan" })
    {
        var (passed, failed) = RunSanitizerPreset(preset);
        nativePassed += passed;
        nativeFailed += failed;
    }

    var managedCode = 0;
    try
    {
        DotNetTest(solution.FullPath, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = testResults,
            Loggers = new[] { "trx", "console;verbosity=normal" },
            EnvironmentVariables = SoakEnvironment(),
        });
    }
    catch (Exception e)
    {
        managedCode = 1;
        Error(e.Message);
    }
    var (managedPassed, managedFailed) = CountTrx(testResults);
    if (managedCode != 0 && managedFailed == 0)
        managedFailed = 1; // the test host failed without results

    Information($"native: {nativePassed} passed, {nativeFailed} failed; managed: {managedPassed} passed, {managedFailed} failed");
    var totals = $"{nativePassed + managedPassed} passed, {nativeFailed + managedFailed} failed";
    System.IO.File.WriteAllText(testResults.CombineWithFilePath("totals.txt").FullPath, totals + "\n");
    Information(totals);
    if (nativeFailed + managedFailed > 0)
        throw new Exception("tests failed: " + totals);
});

// The stress test alone at nightly length: `dotnet cake --target=Soak --soak-seconds=3600` runs the soak in mode 1 and
// mode 2 for that long each, and the validator fault injection.
Task("Soak")
    .IsDependentOn("Pack")
    .Does(() =>
{
    DotNetTest("tests/InteropGuard.Package.Tests/InteropGuard.Package.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "FullyQualifiedName~SoakTests|FullyQualifiedName~ValidatorFaultTests",
        Loggers = new[] { "console;verbosity=normal" },
        EnvironmentVariables = SoakEnvironment(),
    });
});

Dictionary<string, string> SoakEnvironment() =>
    soakSeconds == "" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["INTEROPGUARD_SOAK_SECONDS"] = soakSeconds };

// The sample program: real reports on stderr, exit 0 when every expected report appeared.
Task("Demo")
    .IsDependentOn("Build")
    .Does(() =>
{
    // Mode 2: the call-boundary checks and the validator (the last scenario needs it).
    // exit_code=0: the demo's own exit status says whether every expected report appeared (the reports are its point).
    RunOrFail("dotnet", $"run --no-build -c {configuration} --project src/InteropGuard.Demo",
        new Dictionary<string, string> { ["INTEROPGUARD"] = "2", ["INTEROPGUARD_OPTIONS"] = "exit_code=0" });
});

// BenchmarkDotNet suite, guarded and unguarded side by side: `dotnet cake --target=Bench --filter=*Allocator*`;
// `--quick=false` for BenchmarkDotNet's default (precise, slow) jobs instead of ShortRun.
Task("Bench")
    .IsDependentOn("Native")
    .Does(() =>
{
    RunOrFail("dotnet", $"run -c Release --project benchmarks/InteropGuard.Benchmarks -- --filter \"{benchFilter}\"{(benchQuick ? " --quick" : "")}");
});

// The validator's stop-the-world pause against native bytes, pins, heap size and threads (a table; `--bdn` for the
// BenchmarkDotNet cases): `dotnet cake --target=BenchValidator`.
Task("BenchValidator")
    .IsDependentOn("Native")
    .Does(() =>
{
    RunOrFail("dotnet", "run -c Release --project benchmarks/InteropGuard.ValidatorBench");
});

// The allocator against its anchor: the same malloc+free loop built against glibc, gcc's AddressSanitizer and
// ig_malloc/ig_free (benchmarks/native-alloc), run side by side in rotating rounds; prints a Markdown table and writes it
// to artifacts/bench-alloc/alloc.md. `--rounds=N` (default 3) rounds per cell.
var benchAllocRounds = Argument("rounds", 3);
Task("BenchAlloc")
    .IsDependentOn("Native")
    .Does(() =>
{
    var build = root.Combine("build/native-alloc");
    var output = artifacts.Combine("bench-alloc");
    EnsureDirectoryExists(output);
    RunOrFail("cmake", $"-S benchmarks/native-alloc -B \"{build}\" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIG_ARTIFACTS_DIR=\"{nativeOut}\"");
    RunOrFail("cmake", $"--build \"{build}\" -j 2");
    RunOrFail("python3", $"benchmarks/native-alloc/run_bench.py --build \"{build}\" --rounds {benchAllocRounds} --markdown \"{output.CombineWithFilePath("alloc.md")}\"");
    RunOrFail("python3", $"benchmarks/native-alloc/run_churn.py --build \"{build}\" --rounds {Math.Max(benchAllocRounds, 5)} --markdown \"{output.CombineWithFilePath("churn.md")}\"");
});

// The release-mode gate: fixed BenchmarkDotNet pairs, the unguarded call against release mode in the same
// process, measured in rounds spread over several processes; fails when a pair's median overhead exceeds
// benchmarks/bench-gate.budget.json. Full form (8 processes × 6 rounds, ~7 min) writes benchmarks/results/bench-gate.*;
// `--short=true` (or BenchGateShort: 3 × 4 rounds, ~2 min; what .ci/run runs) writes artifacts/bench-gate/bench-gate-short.*
// (.md, .json, .totals.txt). See benchmarks/README.md, "BenchGate".
void RunBenchGate(bool isShort)
{
    DotNetBuild("benchmarks/InteropGuard.BenchGate/InteropGuard.BenchGate.csproj", new DotNetBuildSettings { Configuration = "Release" });
    // INTEROPGUARD=release even if the calling environment chose another mode: the gate measures release mode (its
    // self-test fails loudly otherwise).
    var code = Run("dotnet", $"benchmarks/InteropGuard.BenchGate/bin/Release/net10.0/InteropGuard.BenchGate.dll{(isShort ? " --short" : "")}", null,
        new Dictionary<string, string> { ["INTEROPGUARD"] = "release" });
    if (code == 1)
        throw new Exception("BenchGate: release mode exceeds its budget (see the table above)");
    if (code != 0)
        throw new Exception($"BenchGate could not measure (exit code {code}; see the message above)");
}

Task("BenchGate")
    .IsDependentOn("Native")
    .Does(() => RunBenchGate(benchGateShort));

Task("BenchGateShort")
    .IsDependentOn("Native")
    .Does(() => RunBenchGate(true));

// The Debug-mode gate: the release gate's workloads and two that pass managed objects, run by an unguarded process, by
// Debug-wrapper processes in mode 1 and mode 2 (validator sweeping every second) and by the unguarded code under a
// preloaded AddressSanitizer (the asan side, the allocator-bound pair's anchor), their iterations alternating; fails when
// a mode exceeds its ratio in benchmarks/debug-gate.budget.json (and, for an anchored pair, its anchor). Full form (3 launches × 5 rounds, ~6 min under load) writes
// benchmarks/results/debug-gate.*; `--short=true` (or DebugGateShort: 1 × 4 rounds, ~1–2 min; what .ci/run runs) writes
// artifacts/debug-gate/debug-gate-short.* (.md, .json, .totals.txt). See benchmarks/README.md, "DebugGate".
Task("DebugGate")
    .IsDependentOn("Native")
    .Does(() => RunDebugGate(benchGateShort));

Task("DebugGateShort")
    .IsDependentOn("Native")
    .Does(() => RunDebugGate(true));

void RunDebugGate(bool isShort)
{
    // The gate's project references the validator (InteropGuard.Cli), which the mode-2 side starts.
    DotNetBuild("benchmarks/InteropGuard.DebugGate/InteropGuard.DebugGate.csproj", new DotNetBuildSettings { Configuration = "Release" });
    // `--pair NAME` (repeatable) measures only those pairs, as the gate's own option does (not the gate's verdict).
    var pairs = string.Concat(Arguments<string>("pair", new string[0]).Select(p => $" --pair {p}"));
    var code = Run("dotnet", $"benchmarks/InteropGuard.DebugGate/bin/Release/net10.0/InteropGuard.DebugGate.dll{(isShort ? " --short" : "")}{pairs}");
    if (code == 1)
        throw new Exception("DebugGate: a Debug mode exceeds its budget (see the table above)");
    if (code != 0)
        throw new Exception($"DebugGate could not measure (exit code {code}; see the message above)");
}

// The NuGet packages, into artifacts/packages: InteropGuard (runtime, native library, generator and analyzers, build
// targets, the mode-2 validator under tools/validator), dotnet-interopguard (the `interopguard` tool: run, attach) and
// InteropGuard.NUnit (fails the NUnit test during which InteropGuard reported).
Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    var validator = artifacts.Combine("validator");
    EnsureDirectoryExists(validator);
    CleanDirectory(validator);
    DotNetPublish("src/InteropGuard.Cli/InteropGuard.Cli.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = validator,
    });
    foreach (var project in new[] { "src/InteropGuard/InteropGuard.csproj", "src/InteropGuard.Cli/InteropGuard.Cli.csproj", "src/InteropGuard.NUnit/InteropGuard.NUnit.csproj" })
    {
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            OutputDirectory = artifacts.Combine("packages"),
        });
    }
});

(int passed, int failed) CountJUnit(string path)
{
    if (!System.IO.File.Exists(path))
        return (0, 0);
    var cases = XDocument.Load(path).Descendants("testcase").ToList();
    var failed = cases.Count(c => c.Elements("failure").Any() || c.Elements("error").Any());
    var skipped = cases.Count(c => c.Elements("skipped").Any());
    return (cases.Count - failed - skipped, failed);
}

(int passed, int failed) CountTrx(DirectoryPath directory)
{
    int passed = 0, failed = 0;
    foreach (var file in GetFiles($"{directory}/**/*.trx"))
    {
        var counters = XDocument.Load(file.FullPath).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters == null)
            continue;
        passed += (int?)counters.Attribute("passed") ?? 0;
        failed += ((int?)counters.Attribute("failed") ?? 0) + ((int?)counters.Attribute("error") ?? 0) + ((int?)counters.Attribute("timeout") ?? 0) + ((int?)counters.Attribute("aborted") ?? 0);
    }
    return (passed, failed);
}

RunTarget(target);
