// CallbackHandleScenarioTests.cs - the callback and SafeHandle scenarios in child processes, cgocheck style: each bug
// reports once with its SUMMARY and option HINT, is silent and completes with its detect_ option off, and each _ok
// scenario runs silently; plus what the program saw (the default a released callback returned, the deferred close).
using InteropGuard.Tests.ChildProcesses;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;
using BugCase = InteropGuard.Tests.ChildProcesses.ScenarioTests.BugCase;
using OkCase = InteropGuard.Tests.ChildProcesses.ScenarioTests.OkCase;

namespace InteropGuard.Tests.Lifetime;

public sealed class CallbackHandleScenarioTests
{
    public static readonly BugCase[] Bugs =
    [
        new("callback_called_after_release", "collected-delegate-callback", Scenario.ExitCompleted, SafeUnguarded: false),
        new("handle_finalized_during_call", "handle-released-in-use", Scenario.ExitCompleted, SafeUnguarded: false),
    ];

    public static readonly OkCase[] Oks = [new("callback_called_after_release_ok"), new("handle_finalized_during_call_ok")];

    [TestCaseSource(nameof(Bugs))]
    public void Detects(BugCase bug) => new ScenarioTests().Detects(bug);

    [TestCaseSource(nameof(Bugs))]
    public void Detects_NothingWithCheckOff(BugCase bug) => new ScenarioTests().Detects_NothingWithCheckOff(bug);

    [TestCaseSource(nameof(Oks))]
    public void Allows(OkCase ok) => new ScenarioTests().Allows(ok);

    [Test]
    public void Detects_LateCallback_ReturnsDefault_Allows_UnregisteredFirst()
    {
        ChildResult bad = Scenario.Run("callback_called_after_release");
        ChildResult good = Scenario.Run("callback_called_after_release_ok");

        Assert.That(bad.Stdout, Does.Contain("called 42").And.Contain("called after release: 0"), bad.ToString());
        Assert.That(bad.Stderr, Does.Contain("Callback released by:\n  #0 CallbackCalledAfterRelease  CallbackHandleScenarios.cs:"), bad.ToString());
        Assert.That(good.Stdout, Does.Contain("called after release: -1"), good.ToString());
    }

    [Test]
    public void Detects_MissingKeepAlive_NamesTheOwnersFinalizer_AndDefersTheClose()
    {
        ChildResult bad = Scenario.Run("handle_finalized_during_call");
        ChildResult good = Scenario.Run("handle_finalized_during_call_ok");

        Assert.That(bad.Stderr, Does.Contain("Handle released by:\n  #0 Connection.Finalize (on the finalizer thread)  CallbackHandleScenarios.cs:"), bad.ToString());
        Assert.That(bad.Stderr, Does.Contain("Native use still outstanding (retained by native code at):\n  #0 StartNativeUse  CallbackHandleScenarios.cs:"), bad.ToString());
        Assert.That(bad.Stdout, Does.Contain("handle released: 1"), "closed once, after native code let go\n" + bad);
        Assert.That(good.Stdout, Does.Contain("handle released: 0"), "the owner is alive: it closes the handle later\n" + good);
    }
}
