// LifetimeScenarioTests.cs - the lifetime scenarios (pooled arrays, mapped views, strings) in child processes, cgocheck
// style: every bug must report once with its SUMMARY and option HINT, must be silent and complete with its detect_ option
// off (proving the check made the difference), and every _ok scenario must run silently.
using InteropGuard.Tests.ChildProcesses;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;
using BugCase = InteropGuard.Tests.ChildProcesses.ScenarioTests.BugCase;
using OkCase = InteropGuard.Tests.ChildProcesses.ScenarioTests.OkCase;

namespace InteropGuard.Tests.Lifetime;

public sealed class LifetimeScenarioTests
{
    private const string Pool = "array-pool-use-after-return";

    public static readonly BugCase[] Bugs =
    [
        new("pool_use_after_return", Pool, Scenario.ExitViolation, SafeUnguarded: false),
        new("pool_double_return", Pool, Scenario.ExitViolation, SafeUnguarded: false),
        new("pool_return_while_pinned", Pool, Scenario.ExitViolation, SafeUnguarded: false),
        new("pool_late_socket_read", Pool, Scenario.ExitCompleted, SafeUnguarded: false),
        new("use_after_unmap", "use-after-unmap", Scenario.ExitViolation, SafeUnguarded: false),
        new("string_kept_past_pin", "use-after-unpin", Scenario.ExitViolation, SafeUnguarded: false),
    ];

    public static readonly OkCase[] Oks =
    [
        new("pool_use_after_return_ok"), new("pool_double_return_ok"), new("pool_return_while_pinned_ok"),
        new("pool_late_socket_read_ok"), new("use_after_unmap_ok"), new("string_kept_past_pin_ok"),
    ];

    [TestCaseSource(nameof(Bugs))]
    public void Detects(BugCase bug) => new ScenarioTests().Detects(bug);

    [TestCaseSource(nameof(Bugs))]
    public void Detects_NothingWithCheckOff(BugCase bug) => new ScenarioTests().Detects_NothingWithCheckOff(bug);

    [TestCaseSource(nameof(Oks))]
    public void Allows(OkCase ok) => new ScenarioTests().Allows(ok);

    [Test]
    public void Detects_LateSocketRead_NamesTheReturnSite_Allows_AnAwaitedRead()
    {
        ChildResult bad = Scenario.Run("pool_late_socket_read");
        ChildResult good = Scenario.Run("pool_late_socket_read_ok");

        Assert.That(bad.Stdout, Does.Contain("read 9 bytes; Verify found 1"), bad.ToString());
        Assert.That(bad.Stderr, Does.Contain("Array returned by:\n  #0 LateSocketRead  LifetimeScenarios.cs:"), bad.ToString());
        Assert.That(good.Stdout, Does.Contain("read 9 bytes; Verify found 0"), good.ToString());
    }

    [Test]
    public void Detects_StringPin_SuggestsANativeBufferCopy()
    {
        ChildResult result = Scenario.Run("string_kept_past_pin");

        Assert.That(result.Stderr, Does.Contain("pinned string"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("NativeBuffer.FromString"), result.ToString());
    }
}
