// NestedPointerTests.cs: unpinned-managed-pointer at the call boundary, end to end: the nested-pointer probe compiled with the generator, run in mode 2 with the real validator, one child process per shape.
using System.Collections.Generic;
using System.IO;
using InteropGuard.Generators.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>The shapes of Go's cgo pointer table in C#: each Detects_ case passes a pointer into an unpinned managed object
/// as an argument or inside one and must be reported at the call with the argument path; each Allows_ case is the nearest correct
/// code (fixed, a pinned GCHandle, the pinned object heap, frozen literals, RVA data, an integer field) and must stay
/// silent; every detection is rerun with detect_unpinned_managed_pointer=0, and in mode 1.</summary>
[NonParallelizable]
public class NestedPointerTests
{
    private ProbeApp _probe = null!;
    private string _validator = null!;

    [OneTimeSetUp]
    public void BuildProbe()
    {
        _probe = ProbeApp.Build(NestedPointerProgram.Source);
        _validator = Path.Combine(ProbeApp.RepositoryRoot(), "src", "InteropGuard.Cli", "bin", Configuration, "net10.0", "InteropGuard.Cli.dll");
        Assert.That(File.Exists(_validator), Is.True, _validator + " is missing: build the solution first");
    }

    [OneTimeTearDown]
    public void DeleteProbe() => _probe?.Delete();

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private ProbeResult Run(string scenario, string mode = "2", string options = "") => _probe.Run(scenario, new Dictionary<string, string?>
    {
        ["INTEROPGUARD"] = mode,
        ["INTEROPGUARD_OPTIONS"] = "validator_path=" + _validator + ":validator_interval_ms=0" + (options.Length > 0 ? ":" + options : ""),
    });

    private static void AssertSilent(ProbeResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("reports=0"), r.ToString());
        Assert.That(r.Stdout, Does.Not.Contain("caught"), r.ToString());
        Assert.That(r.Stderr, Does.Not.Contain("ERROR: InteropGuard"), r.ToString());
        Assert.That(r.Stderr, Does.Not.Contain("warning"), r.ToString());
    }

    private void AssertDetected(string scenario, string path, string objectType)
    {
        ProbeResult r = Run(scenario);
        int line = _probe.LineOf(scenario);
        Assert.That(r.Stdout, Does.Contain("caught unpinned-managed-pointer argument=" + path + "\n"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: InteropGuard: unpinned-managed-pointer on address 0x"), r.ToString());
        Assert.That(r.Stderr, Does.Match($"P/Invoke argument '{System.Text.RegularExpressions.Regex.Escape(path)}' holds 0x[0-9a-f]+, \\d+ bytes into {System.Text.RegularExpressions.Regex.Escape(objectType)} \\(\\d+ bytes\\) at 0x[0-9a-f]+, which no fixed statement"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Program.cs:" + line), "the report names the user's call: " + r);

        ProbeResult off = Run(scenario, options: "detect_unpinned_managed_pointer=0");
        AssertSilent(off);
        ProbeResult mode1 = Run(scenario, mode: "1");
        AssertSilent(mode1);
    }

    [TestCase("stack-struct", "b->Data", "System.Int32[]")]
    [TestCase("ref-heap-field", "b.Data", "System.Int32[]")]
    [TestCase("slot-of-fixed-object", "*pp", "System.Int32[]")]
    [TestCase("ref-element", "*r", "System.Int32[]")]
    [TestCase("array-elements", "argv[1]", "System.Byte[]")]
    [TestCase("static-byte-slot", "*pp", "System.Byte[]")]
    [TestCase("union", "u.P", "System.Int32[]")]
    [TestCase("big-struct", "big.Tail", "System.Int64[]")]
    [TestCase("argv-strings", "argv[0]", "System.String")]
    [TestCase("struct-in-object", "b->Data", "System.Int32[]")]
    [TestCase("inner-struct-ref", "b.Data", "System.Int32[]")]
    [TestCase("top-pointer", "p", "System.Int32[]")]
    [TestCase("top-nint", "p", "System.Byte[]")]
    [TestCase("top-void", "p", "System.Int64[]")]
    public void Detects_unpinned_managed_pointer_in_an_argument(string scenario, string path, string objectType) =>
        AssertDetected(scenario, path, objectType);

    [TestCase("stack-struct-ok")]
    [TestCase("ref-heap-field-ok")]
    [TestCase("slot-of-fixed-object-ok")]
    [TestCase("ref-element-ok")]
    [TestCase("array-elements-ok")]
    [TestCase("static-byte-slot-ok")]
    [TestCase("union-ok")]
    [TestCase("big-struct-ok")]
    [TestCase("argv-strings-ok")]
    [TestCase("struct-in-object-ok")]
    [TestCase("inner-struct-ref-ok")]
    [TestCase("integer-field")]
    [TestCase("top-pointer-ok")]
    [TestCase("top-nint-ok")]
    [TestCase("top-void-ok")]
    [TestCase("top-literal")]
    [TestCase("top-own-pin")]
    [TestCase("top-native")]
    public void Allows_pinned_or_unmanaged_pointers(string scenario)
    {
        AssertSilent(Run(scenario));
        AssertSilent(Run(scenario, mode: "1")); // mode 1 never reports a pinned pointer either
    }

    [TestCase("1")]
    [TestCase("2")]
    public void Detects_DangerousGetHandle_of_a_SafeHandle_finalized_during_the_call(string mode)
    {
        ProbeResult r = Run("dangerous-handle", mode);
        Assert.That(r.Stdout, Does.Contain("caught handle-released-in-use argument=p\n"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: InteropGuard: handle-released-in-use on address 0x"), r.ToString());
        Assert.That(r.Stderr, Does.Match(@"P/Invoke argument 'p' \(0x[0-9a-f]+\) is the DangerousGetHandle\(\) value of a BufferHandle that became unreachable during the call"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("HINT: keep the SafeHandle reachable and open for the whole call"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Program.cs:" + _probe.LineOf("dangerous-handle")), "the report names the user's call: " + r);

        ProbeResult off = Run("dangerous-handle", mode, options: "detect_handle_released_in_use=0");
        AssertSilent(off);
    }

    [TestCase("dangerous-handle-ok")]
    [TestCase("dangerous-handle-keepalive")]
    [TestCase("dangerous-handle-safehandle")]
    public void Allows_DangerousGetHandle_kept_alive_or_the_SafeHandle_itself(string scenario)
    {
        AssertSilent(Run(scenario, mode: "1"));
        AssertSilent(Run(scenario));
    }

    [Test]
    public void Allows_8_threads_passing_fixed_pointers_while_another_thread_forces_GCs_in_20_consecutive_runs()
    {
        // A false report here is a race (a fixed root missed while a thread was on its way to a GC), so one run proves little.
        for (int run = 1; run <= 20; run++)
        {
            ProbeResult r = Run("threads-ok");
            Assert.That(r.Stdout, Does.Contain("thread reports=0"), "run " + run + " of 20: " + r);
            Assert.That(r.Stderr, Does.Not.Contain("ERROR: InteropGuard"), "run " + run + " of 20: " + r);
        }
    }

    [Test]
    public void Detects_unpinned_pointers_from_8_threads_while_another_thread_forces_GCs()
    {
        ProbeResult r = Run("threads");
        Assert.That(r.Stdout, Does.Match(@"thread reports=[1-9]"), r.ToString());
        Assert.That(Run("threads", options: "detect_unpinned_managed_pointer=0").Stdout, Does.Contain("thread reports=0"));
    }
}
